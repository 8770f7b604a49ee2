/** API group of the VvpDeployment custom resource. */
export const API_GROUP = "ververica.platform";
/** The only served and stored version. */
export const API_VERSION = "ververica.platform/v1";
/** Kind of the custom resource. */
export const KIND = "VvpDeployment";
/** Plural used in the CRD name and in REST paths. */
export const PLURAL = "vvpdeployments";

/** Label on the CR (and on the VVP deployment we create) naming the operator instance. */
export const OWNER_LABEL = "ververica.platform/owner";
/** CR annotation naming the Secret that holds the VVP API token. */
export const API_KEY_SECRET_ANNOTATION = "apikeySecretName";
/** Finalizer added before the VVP deployment is created, so deleting the CR waits until the operator has handled its deployment (ours). */
export const FINALIZER = "ververica.platform/finalizer";
/** Annotation on the VVP deployment carrying the CR uid, so a lost create can be adopted (ours). */
export const CR_UID_ANNOTATION = "ververica.platform/cr-uid";
/**
 * Annotation on the VVP deployment carrying the desired state the body that
 * wrote it carried (ours). It lands in VVP atomically with that state, so the
 * state last sent and accepted is known from VVP itself, even when the status
 * write that should record it failed, the host crashed before it, or a
 * timed-out write was applied late. An Autopilot scaling run moves
 * `spec.state` and leaves this annotation, which is how a run is told apart.
 */
export const PROJECTED_STATE_ANNOTATION = "ververica.platform/projected-state";
/** Template annotation whose change makes VVP start a new job: our restart mechanism (ours). */
export const RESTART_NONCE_ANNOTATION = "ververica.platform/restart-nonce";
/** Savepoint annotation `<cr uid>/<nonce>` that makes a savepoint trigger exactly-once (ours). */
export const SAVEPOINT_NONCE_ANNOTATION = "ververica.platform/savepoint-nonce";
/** Prefix of VVP's own bookkeeping annotations, never part of a diff. */
export const VVP_CONTROLLER_ANNOTATION_PREFIX = "com.dataartisans.appmanager.controller.";
/**
 * Deployment annotation mirroring its Autopilot policy mode (ours). VVP keeps
 * the policy behind its own endpoint; reading that on every cycle would double
 * the steady-state cost, so the default provider and the simulator use this
 * annotation, under VVP's bookkeeping prefix so that no diff sees it.
 */
export const AUTOPILOT_MODE_ANNOTATION = `${VVP_CONTROLLER_ANNOTATION_PREFIX}autopilot.mode`;
