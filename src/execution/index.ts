export {
  type AutopilotContext,
  type AutopilotMode,
  type AutopilotProvider,
  createDefaultAutopilotProvider,
  type DefaultAutopilotProviderOptions,
} from "./autopilot-provider.js";
export {
  type ExecutionContext,
  ExecutionError,
  executePlan,
  type FinalizerWriter,
} from "./execute-plan.js";
export {
  type ListOwnedDeploymentsOptions,
  listOwnedDeployments,
  ownerSelector,
} from "./list-owned.js";
export {
  createInMemoryMappingStore,
  type InMemoryMappingStore,
  type MappingStore,
} from "./mapping-store.js";
export { type ObserveContext, observe } from "./observe.js";
export {
  applyFinalizersInMemory,
  type ReconcileOnceInput,
  type ReconcileOnceResult,
  reconcileOnce,
} from "./reconcile-once.js";
