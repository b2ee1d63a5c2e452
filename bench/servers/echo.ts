// A bare Fastify server that echoes a JSON POST: the ceiling of one HTTP request on this machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/echo', async (request) => request.body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});
