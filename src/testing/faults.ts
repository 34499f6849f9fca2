/** Scripted faults: their checks, which call they hit, and the error each one answers. */
import { AwsErrorName } from '../common/failure-types';
import { errorAnswer, type Answer } from './answers';
import { isNonNegativeNumber } from './checks';
import { LIMITS } from './defaults';
import { echoOf, type RequestInfo } from './http';
import type { SimulatedFault, SimulatedFaultKind, SimulatedOperation } from './types';

export const OPERATIONS: ReadonlySet<string> = new Set<SimulatedOperation>([
  'CreateFlow',
  'DescribeFlow',
  'ListFlows',
  'StartFlow',
  'StopFlow',
  'DeleteFlow',
]);

/** Fault kinds that answer with an error (the others answer late or not at all). */
export type ErrorFaultKind = Exclude<SimulatedFaultKind, 'slow' | 'drop'>;

/** The error each error-answering fault kind sends. */
const FAULT_ERRORS: Record<ErrorFaultKind, { httpStatus: number; errorName: string; message: string }> = {
  throttle: {
    httpStatus: 429,
    errorName: AwsErrorName.TooManyRequests,
    message: 'Too many requests (simulated throttle).',
  },
  internal: {
    httpStatus: 500,
    errorName: AwsErrorName.InternalServerError,
    message: 'Internal server error (simulated).',
  },
  unavailable: {
    httpStatus: 503,
    errorName: AwsErrorName.ServiceUnavailable,
    message: 'Service unavailable (simulated).',
  },
  badRequest: { httpStatus: 400, errorName: AwsErrorName.BadRequest, message: 'Bad request (simulated).' },
  forbidden: { httpStatus: 403, errorName: AwsErrorName.Forbidden, message: 'Forbidden (simulated).' },
  notFound: { httpStatus: 404, errorName: AwsErrorName.NotFound, message: 'Not found (simulated).' },
  conflict: { httpStatus: 409, errorName: AwsErrorName.Conflict, message: 'Conflict (simulated).' },
};
const FAULT_KINDS: ReadonlySet<string> = new Set([...Object.keys(FAULT_ERRORS), 'slow', 'drop']);

export function isErrorKind(kind: SimulatedFaultKind): kind is ErrorFaultKind {
  return kind in FAULT_ERRORS;
}

/** A fault as the simulator keeps it: defaults filled in, `times` counted down in `remaining`. */
export interface ActiveFault extends Omit<SimulatedFault, 'times'> {
  operation: SimulatedOperation | '*';
  probability: number;
  remaining: number;
}

/** `times` as given (JSON cannot carry Infinity: the control API sends "Infinity" or null). */
function timesOf(fault: SimulatedFault): number {
  const raw: unknown = fault.times;
  const times =
    raw === 'Infinity' || raw === null
      ? Infinity
      : raw === undefined
        ? fault.probability === undefined
          ? 1
          : Infinity
        : raw;
  if (typeof times !== 'number' || !(times === Infinity || (Number.isInteger(times) && times >= 1))) {
    throw new TypeError(`fault times must be a whole number >= 1 or Infinity, got ${String(raw)}`);
  }
  return times;
}

/** Checks of the fields that shape an error answer. */
function checkErrorFields(fault: SimulatedFault): void {
  const errorKind = isErrorKind(fault.kind);
  if (
    fault.retryAfterSeconds !== undefined &&
    (fault.kind !== 'throttle' || !isNonNegativeNumber(fault.retryAfterSeconds))
  ) {
    throw new TypeError('retryAfterSeconds applies to throttle faults only and must be a number of seconds >= 0');
  }
  if (fault.retryAfter !== undefined) {
    if (!errorKind) throw new TypeError(`retryAfter applies to error faults only, not '${fault.kind}'`);
    if (fault.retryAfterSeconds !== undefined) throw new TypeError('give retryAfter or retryAfterSeconds, not both');
    const ok =
      typeof fault.retryAfter === 'string' &&
      fault.retryAfter.length <= LIMITS.maxRetryAfterLength &&
      /^[\x20-\x7e]*$/.test(fault.retryAfter);
    if (!ok)
      throw new TypeError(
        `retryAfter must be a string of printable ASCII, at most ${LIMITS.maxRetryAfterLength} characters`,
      );
  }
  if (
    fault.errorName !== undefined &&
    (fault.kind !== 'throttle' ||
      typeof fault.errorName !== 'string' ||
      !/^[A-Za-z][A-Za-z0-9_.#]{0,127}$/.test(fault.errorName))
  ) {
    throw new TypeError(
      'errorName applies to throttle faults only and must be an error name such as ThrottlingException',
    );
  }
  if (
    fault.httpStatus !== undefined &&
    (fault.kind !== 'throttle' || (fault.httpStatus !== 400 && fault.httpStatus !== 429))
  ) {
    throw new TypeError(
      `httpStatus applies to throttle faults only and must be 400 or 429, got ${String(fault.httpStatus)}`,
    );
  }
  if (fault.echoRequest !== undefined && (!errorKind || typeof fault.echoRequest !== 'boolean')) {
    throw new TypeError('echoRequest applies to error faults only and must be true or false');
  }
  if (fault.message !== undefined && typeof fault.message !== 'string') throw new TypeError('message must be a string');
}

/** The fields a fault keeps; anything else (sent over the control API) is dropped. */
const KEPT_FIELDS = [
  'kind',
  'flowArn',
  'region',
  'retryAfterSeconds',
  'retryAfter',
  'errorName',
  'httpStatus',
  'echoRequest',
  'delayMs',
  'applied',
  'message',
] as const satisfies readonly (keyof SimulatedFault)[];

/** @throws TypeError naming the field when the fault is malformed. */
export function normaliseFault(fault: SimulatedFault): ActiveFault {
  if (fault === null || typeof fault !== 'object') throw new TypeError('a fault must be an object');
  if (!FAULT_KINDS.has(fault.kind)) {
    throw new TypeError(`fault kind must be one of ${[...FAULT_KINDS].join(', ')}, got ${String(fault.kind)}`);
  }
  const operation = fault.operation ?? '*';
  if (operation !== '*' && !OPERATIONS.has(operation)) {
    throw new TypeError(
      `fault operation must be '*' or one of ${[...OPERATIONS].join(', ')}, got ${String(operation)}`,
    );
  }
  if (fault.probability !== undefined && !(isNonNegativeNumber(fault.probability) && fault.probability <= 1)) {
    throw new TypeError(`fault probability must be between 0 and 1, got ${String(fault.probability)}`);
  }
  for (const field of ['flowArn', 'region'] as const) {
    if (fault[field] !== undefined && typeof fault[field] !== 'string')
      throw new TypeError(`fault ${field} must be a string, got ${typeof fault[field]}`);
  }
  const remaining = timesOf(fault);
  if (fault.kind === 'slow' && !isNonNegativeNumber(fault.delayMs)) {
    throw new TypeError(`a 'slow' fault needs delayMs, a number of milliseconds >= 0, got ${String(fault.delayMs)}`);
  }
  checkErrorFields(fault);
  const kept = Object.fromEntries(KEPT_FIELDS.map((field) => [field, fault[field]])) as Pick<
    SimulatedFault,
    (typeof KEPT_FIELDS)[number]
  >;
  return { ...kept, operation, probability: fault.probability ?? 1, remaining };
}

/** The error answer of an error fault for this request. */
export function faultAnswer(
  fault: ActiveFault & { kind: ErrorFaultKind },
  request: RequestInfo,
  flowArn: string | undefined,
): Answer {
  const spec = FAULT_ERRORS[fault.kind];
  let message =
    fault.message ?? (fault.kind === 'notFound' && flowArn !== undefined ? `Flow not found: ${flowArn}` : spec.message);
  if (fault.echoRequest === true) message = `${message}\n${echoOf(request)}`;
  const answer = errorAnswer(fault.httpStatus ?? spec.httpStatus, fault.errorName ?? spec.errorName, message);
  const retryAfter =
    fault.retryAfter ?? (fault.retryAfterSeconds === undefined ? undefined : String(fault.retryAfterSeconds));
  if (retryAfter !== undefined) answer.headers = { 'retry-after': retryAfter };
  return answer;
}

/** The scripted faults, tried in the order injected. */
export class FaultBook {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number) {}

  inject(fault: SimulatedFault): number {
    this.faults.push(normaliseFault(fault));
    return this.faults.length;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault that matches the call and wins its probability draw; uses up one of its `times`. */
  match(operation: SimulatedOperation, flowArn: string | undefined, region: string): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.operation !== '*' && fault.operation !== operation) continue;
      if (fault.flowArn !== undefined && fault.flowArn !== flowArn) continue;
      if (fault.region !== undefined && fault.region !== region) continue;
      if (fault.probability < 1 && this.random() >= fault.probability) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }
}
