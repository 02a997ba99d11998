export {
  TEMPLATE_PATH,
  findEnvsubst,
  findNginx,
  missingTools,
  renderTemplate,
  startNginx,
  type NginxOptions,
  type RunningNginx,
  type Upstreams,
} from './local-nginx';
export { DEV_GATEWAY_PORT, devServicePorts } from './dev-ports';
