import Fastify from 'fastify';

/** The ceiling: a bare Fastify route answering a constant JSON:API body of the same size. */
const body = process.env.BARE_BODY ?? '{}';
const app = Fastify({ logger: false });
app.get('/api/skus/:id', async (_req, reply) => reply.type('application/vnd.api+json').send(body));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stderr.write('bare ready\n');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
