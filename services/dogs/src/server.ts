import { createLogger, serve } from '@dogbook/service-kit';
import { createApp } from './app';
import { loadConfig } from './config';

const config = loadConfig();
const logger = createLogger('dogs', config.LOG_LEVEL);
serve(createApp(config, logger), config.PORT, logger, config.HOST);
