import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/**
 * The page's built files (page/build.mjs): index.html, and assets/ with its script and style. Found
 * from src/ (the tests) and from dist/ alike.
 */
const PAGE_DIR = join(__dirname, '..', 'dist', 'page');

/**
 * The page may load and fetch from this origin only: even a span attribute that got into the page
 * as markup could neither run a script nor send anything elsewhere. (The page sets everything as
 * text; this is the second line.)
 */
const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'content-security-policy': "default-src 'self'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  next();
};

/**
 * The web page, beside the JSON API it reads:
 *   GET /                    recent traces, filtered, updated live; ?learner=alice&service=dogs&errors=1&minMs=100
 *   GET /traces/:traceId     the same page, with that trace open as a waterfall
 *   GET /assets/*            its script and style
 */
export function createPageRouter(): Router {
  const router = express.Router();
  const index: RequestHandler = (_req, res) => res.sendFile('index.html', { root: PAGE_DIR });
  router.get(['/', '/traces/:traceId'], pageHeaders, index);
  router.use('/assets', pageHeaders, express.static(join(PAGE_DIR, 'assets'), { index: false, fallthrough: false }));
  return router;
}
