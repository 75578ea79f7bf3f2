import Fastify from 'fastify';

/** The ceiling: a bare Fastify route answering a constant JSON:API body of the same size. */
const body = process.env.BARE_BODY ?? '{}';
const app = Fastify({ logger: false });
app.addContentTypeParser('application/vnd.api+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
app.route({
  method: (process.env.BARE_METHOD ?? 'GET') as 'GET',
  url: process.env.BARE_PATH ?? '/api/skus/:id',
  handler: async (_req, reply) => reply.type('application/vnd.api+json').send(body),
});
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stderr.write('bare ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
