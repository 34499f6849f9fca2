/** The task queue the worker polls, and clients start bring-ups on, unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'mediaconnect';
