import type { VvpDeployment } from "../../src/models/index.js";

/**
 * A few Kubernetes API server semantics for one kind, in memory: uid and
 * creationTimestamp on create, `metadata.generation` bumped only when the
 * spec changes, deletion that waits for finalizers. The demo and the
 * end-to-end tests drive reconcileOnce through it the way an operator would.
 */
export class InMemoryCluster {
  readonly #objects = new Map<string, VvpDeployment>();
  #uids = 0;

  /** Creates or updates a CR as `kubectl apply` would; `now` is the API server's clock. */
  apply(cr: VvpDeployment, now: string): VvpDeployment {
    const key = keyOf(cr);
    const existing = this.#objects.get(key);
    if (existing === undefined) {
      this.#uids += 1;
      const created: VvpDeployment = structuredClone({
        ...cr,
        metadata: {
          ...cr.metadata,
          uid: `00000000-0000-4000-8000-${String(this.#uids).padStart(12, "0")}`,
          generation: 1,
          creationTimestamp: now,
        },
      });
      delete created.status;
      this.#objects.set(key, created);
      return structuredClone(created);
    }
    const specChanged = JSON.stringify(existing.spec) !== JSON.stringify(cr.spec);
    const updated: VvpDeployment = structuredClone({
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: cr.metadata.labels,
        annotations: cr.metadata.annotations,
        generation: (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0),
      },
      spec: cr.spec,
    });
    this.#objects.set(key, updated);
    return structuredClone(updated);
  }

  /** Marks a CR for deletion; it is gone at once when no finalizer holds it. */
  delete(namespace: string, name: string, now: string): void {
    const key = `${namespace}/${name}`;
    const existing = this.#objects.get(key);
    if (existing === undefined) return;
    if ((existing.metadata.finalizers ?? []).length === 0) {
      this.#objects.delete(key);
      return;
    }
    existing.metadata.deletionTimestamp ??= now;
  }

  /** Writes what a reconcile cycle returned: finalizers and the status subresource. */
  write(cr: VvpDeployment): void {
    const key = keyOf(cr);
    const existing = this.#objects.get(key);
    if (existing === undefined) return;
    existing.metadata.finalizers = [...(cr.metadata.finalizers ?? [])];
    if (cr.status === undefined) delete existing.status;
    else existing.status = structuredClone(cr.status);
    if (
      existing.metadata.deletionTimestamp !== undefined &&
      existing.metadata.finalizers.length === 0
    ) {
      this.#objects.delete(key);
    }
  }

  /** A copy of one CR, or undefined. */
  get(namespace: string, name: string): VvpDeployment | undefined {
    const found = this.#objects.get(`${namespace}/${name}`);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Copies of every CR, in creation order. */
  list(): VvpDeployment[] {
    return [...this.#objects.values()].map((cr) => structuredClone(cr));
  }
}

function keyOf(cr: VvpDeployment): string {
  return `${cr.metadata.namespace ?? "default"}/${cr.metadata.name}`;
}
