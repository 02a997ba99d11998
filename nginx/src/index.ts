export {
  TEMPLATE_PATH,
  WEB_ROOT,
  findEnvsubst,
  findNginx,
  missingTools,
  renderTemplate,
  startNginx,
  type NginxOptions,
  type RunningNginx,
  type Upstreams,
} from './local-nginx';
export { DEV_GATEWAY_PORT, devServicePorts, devViewerPort } from './dev-ports';
