import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/** Files of the console build and their content types; nothing else is ever served. */
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The console runs only its own script and style, and may not be framed (clickjacking). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Finds the console build: `dist/console` next to the compiled server, or under the repository
 * root when the server runs from sources.
 */
export function findConsoleBuild(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../console'),
    path.resolve(here, '../../../dist/console'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'app.js')));
}

/** Serves the console's single page at `/console`; every path without a known file gets index.html. */
export const consoleStatic: FastifyPluginAsync = async (app) => {
  const buildDir = findConsoleBuild();

  const send = async (name: string, reply: import('fastify').FastifyReply) => {
    if (!buildDir) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` and restart scimd.');
    }
    const body = await fs.promises.readFile(path.join(buildDir, name));
    return reply
      .type(ASSETS[name] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  };

  app.get('/console', (_request, reply) => send('index.html', reply));
  app.get<{ Params: { '*': string } }>('/console/*', (request, reply) => {
    const name = request.params['*'];
    if (name.startsWith('api/')) {
      return reply
        .code(404)
        .send({ error: 'not_found', message: `no console route ${request.url}` });
    }
    return send(name in ASSETS ? name : 'index.html', reply);
  });
};
