import { FlowStatus, isStartedStatus } from '../../src/common/flow-status';

describe('isStartedStatus', () => {
  it.each([FlowStatus.STARTING, FlowStatus.ACTIVE, FlowStatus.UPDATING])(
    'counts %s as started: a StartFlow now would be a second start',
    (status) => {
      expect(isStartedStatus(status)).toBe(true);
    },
  );

  it.each([FlowStatus.STANDBY, FlowStatus.STOPPING, FlowStatus.DELETING, FlowStatus.ERROR, 'NEW_STATUS', undefined])(
    'does not count %s as started',
    (status) => {
      expect(isStartedStatus(status)).toBe(false);
    },
  );
});
