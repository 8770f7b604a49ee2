import { type FSWatcher, watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createSecureContext } from "node:tls";

/** A certificate and its key, PEM. */
export interface CertificatePair {
  cert: string;
  key: string;
}

/** Where the pair is read from. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** Reads both files and checks they form a usable pair (throws otherwise). */
export async function readCertificatePair(files: TlsFiles): Promise<CertificatePair> {
  const [cert, key] = await Promise.all([
    readFile(files.certFile, "utf8"),
    readFile(files.keyFile, "utf8"),
  ]);
  // Throws on a mismatched or half-written pair, which must never be served.
  createSecureContext({ cert, key });
  return { cert, key };
}

/** Options of the watcher: what to call with a new pair, and how often to look anyway. */
export interface CertificateWatcherOptions extends TlsFiles {
  /** The pair currently served, so an unchanged re-read is not reported. */
  current: CertificatePair;
  onChange(pair: CertificatePair): void;
  /** A read failed (e.g. mid-rotation); the old pair stays in use. */
  onError(error: unknown): void;
  /** Polling period besides file events (controller-runtime's certwatcher polls too); default 10 s. */
  pollIntervalMs?: number;
}

/** Stops watching. */
export interface CertificateWatcher {
  close(): void;
}

/**
 * Watches the files' directories (kubelet swaps a mounted Secret's files with
 * a symlink rename, which a watch on the file itself misses) and polls as a
 * fallback; reports each new, valid pair once.
 */
export function watchCertificatePair(options: CertificateWatcherOptions): CertificateWatcher {
  let current = options.current;
  let reading = false;
  let again = false;
  let closed = false;

  const check = async () => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      const pair = await readCertificatePair(options);
      if (!closed && (pair.cert !== current.cert || pair.key !== current.key)) {
        current = pair;
        options.onChange(pair);
      }
    } catch (error) {
      if (!closed) options.onError(error);
    } finally {
      reading = false;
      if (again) {
        again = false;
        void check();
      }
    }
  };

  const watchers: FSWatcher[] = [];
  for (const directory of new Set([dirname(options.certFile), dirname(options.keyFile)])) {
    try {
      const watcher = watch(directory, () => void check());
      watcher.on("error", () => undefined);
      watchers.push(watcher);
    } catch {
      // No file events here (some filesystems): polling alone still finds the change.
    }
  }
  const timer = setInterval(() => void check(), options.pollIntervalMs ?? 10_000);
  timer.unref();

  return {
    close() {
      closed = true;
      clearInterval(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
