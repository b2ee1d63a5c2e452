import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub server received it, with its JSON or form body parsed. */
export interface StubRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** What the stub answers; an object body is sent as JSON with `contentType`. */
export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

export interface StubServer {
  url: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 that records every request and answers with `handler`. */
export async function startStubServer(
  handler: (request: StubRequest, index: number) => StubReply | Promise<StubReply>,
): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const server = http.createServer(async (incoming, outgoing) => {
    let text = '';
    for await (const chunk of incoming) text += chunk;

    const type = incoming.headers['content-type'] ?? '';
    const body = !text
      ? undefined
      : type.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(text))
        : JSON.parse(text);
    const request: StubRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', 'http://127.0.0.1'),
      headers: incoming.headers,
      body,
    };
    requests.push(request);

    const reply = await handler(request, requests.length - 1);
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body !== undefined) {
      headers['content-type'] = reply.contentType ?? 'application/scim+json';
    }
    outgoing.writeHead(reply.status, headers);
    outgoing.end(
      reply.body === undefined
        ? undefined
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body),
    );
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
