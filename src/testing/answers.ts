/** What the simulator answers, and the service's error shape: `{ "message" }` plus `x-amzn-errortype`. */
import { AwsErrorName } from '../common/failure-types';

/** One HTTP answer. */
export interface Answer {
  httpStatus: number;
  body: unknown;
  /** Sent as `x-amzn-errortype`. */
  errorName?: string;
  headers?: Record<string, string>;
}

/** An error answer thrown from deep inside an operation and turned into an {@link Answer} at the top. */
export class SimulatorError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorAnswer(httpStatus: number, errorName: string, message: string): Answer {
  return { httpStatus, errorName, body: { message } };
}

export function notFound(flowArn: string): SimulatorError {
  return new SimulatorError(404, AwsErrorName.NotFound, `Flow not found: ${flowArn}`);
}

export function badRequest(message: string): SimulatorError {
  return new SimulatorError(400, AwsErrorName.BadRequest, message);
}

/** Runs `operation`, turning a thrown {@link SimulatorError} into its answer. */
export function answering(operation: () => Answer): Answer {
  try {
    return operation();
  } catch (err) {
    if (err instanceof SimulatorError) return errorAnswer(err.httpStatus, err.errorName, err.message);
    throw err;
  }
}

/** The request body as JSON; an empty body is `{}`. @throws SimulatorError 400 BadRequestException when it is not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}
