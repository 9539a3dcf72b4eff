// The notification settings a worker reads: defaults, and a refusal naming each bad variable.
import { notificationSettings } from './config';

describe('notificationSettings', () => {
  it('gives the documented defaults', () => {
    const s = notificationSettings({});
    expect([s.REMINDER_CONCURRENCY, s.REMINDER_LOCK_MS, s.REMINDER_STALLED_INTERVAL_MS]).toEqual([
      16, 30_000, 30_000,
    ]);
  });

  it('reads the reminder job hold and the stalled-job check from the environment', () => {
    const s = notificationSettings({ REMINDER_LOCK_MS: '5000', REMINDER_STALLED_INTERVAL_MS: '1000' });
    expect([s.REMINDER_LOCK_MS, s.REMINDER_STALLED_INTERVAL_MS]).toEqual([5000, 1000]);
  });

  it('refuses a hold too short to be renewed, and a check that is not a number, naming both', () => {
    expect(() =>
      notificationSettings({ REMINDER_LOCK_MS: '200', REMINDER_STALLED_INTERVAL_MS: 'spesso' }),
    ).toThrow(/REMINDER_LOCK_MS[\s\S]*REMINDER_STALLED_INTERVAL_MS/);
  });
});
