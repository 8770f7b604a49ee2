import type { Server } from "node:net";

/** A listening server, its bound port, and a close that also ends idle keep-alive connections. */
export interface ListeningServer<S extends Server> {
  server: S;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port ("" = every interface; port 0 = any free port) and reports the port. */
export function listen<S extends Server>(
  server: S,
  host: string,
  port: number,
): Promise<ListeningServer<S>> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const onListening = () => {
      server.off("error", reject);
      const address = server.address();
      const bound = typeof address === "object" && address !== null ? address.port : port;
      resolve({ server, port: bound, close: () => closeServer(server) });
    };
    if (host === "") server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // http.Server: let in-flight requests finish, drop idle keep-alive sockets.
    const http = server as Server & { closeIdleConnections?: () => void };
    http.closeIdleConnections?.();
  });
}
