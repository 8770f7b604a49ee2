/** A refusal the simulated Application Manager answers with a status and a JSON `{ message }`. */
export class SimulatorError extends Error {
  /** The HTTP status of the refusal. */
  readonly status: number;

  /** A refusal with its HTTP status. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "SimulatorError";
    this.status = status;
  }
}
