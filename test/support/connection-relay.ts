// A TCP relay in front of a fake API server that counts connections, so a
// test can tell whether a client kept its connection alive or opened another,
// and which side hung up first. The kubeconfig points at the relay (the same
// 127.0.0.1 certificate, another port).

import { createServer, type Socket, connect as tcpConnect } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import type { FakeKubernetes } from "../../src/testing/index.js";

/** The relay's counters and the KubeConfig that goes through it. */
export interface ConnectionRelay {
  kubeConfig: KubeConfig;
  /** Connections opened so far. */
  connections(): number;
  /** Connections ended so far, by either side. */
  closed(): number;
  /** Connections whose client side hung up first (not the API server). */
  closedByClient(): number;
  close(): Promise<void>;
}

/** Starts a counting relay to `kube` on 127.0.0.1. */
export async function startConnectionRelay(kube: FakeKubernetes): Promise<ConnectionRelay> {
  const target = new URL(kube.url);
  const sockets = new Set<Socket>();
  const counts = { connections: 0, closed: 0, closedByClient: 0 };
  const relay = createServer((client) => {
    counts.connections++;
    const upstream = tcpConnect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    client.pipe(upstream).pipe(client);
    let ended = false;
    client.on("end", () => {
      if (!ended) counts.closedByClient++;
    });
    const end = () => {
      if (!ended) counts.closed++;
      ended = true;
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  const port = (relay.address() as { port: number }).port;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig.replace(kube.url, `https://127.0.0.1:${port}`));
  return {
    kubeConfig,
    connections: () => counts.connections,
    closed: () => counts.closed,
    closedByClient: () => counts.closedByClient,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
