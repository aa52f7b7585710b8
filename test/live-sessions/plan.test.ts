import { describe, expect, it } from 'vitest';
import { attendanceColumns, planAttendance } from '../../server/live-sessions/attendance-file.ts';

const members = [
  { id: 1, name: 'Anna Ivanova', email: 'anna@school.test', recorded: false },
  { id: 2, name: 'Boris Petrov', email: 'boris@school.test', recorded: true },
];

describe('planAttendance (a webinar export against the members)', () => {
  it('finds the e-mail column under the spellings of common webinar tools', () => {
    for (const heading of ['Email', 'User Email', 'Attendee Email', 'E-mail', 'Электронная почта', 'Почта']) {
      expect(attendanceColumns(['Name', heading, 'Duration'])?.email, heading).toBe(1);
    }
    expect(attendanceColumns(['Name', 'Duration'])).toBeNull();
    expect(attendanceColumns(['Mail Room', 'anna@school.test'])).toBeNull();
  });

  it('does not take a participant whose name says "mail" for a row of headings', () => {
    const planned = planAttendance('Name,Email\nAnna,anna@school.test\nMail Room,\nBoris,boris@school.test\n', members);
    expect(planned.ok && planned.plan.rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'new'],
      [3, 'missing'],
      [4, 'recorded'],
    ]);
    expect(planned.ok && planned.plan.toRecord).toEqual([1]);
  });

  it('reads a Teams report below its summary (tab-separated)', () => {
    const text = [
      '1. Summary',
      'Meeting title\tDigital storytelling',
      'Attended participants\t2',
      '',
      '2. Participants',
      'Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tRole',
      'Anna Ivanova\t3/10/26, 2:31 PM\t3/10/26, 4:00 PM\t1h 29m\tAnna@School.test\tAttendee',
      'Stranger\t3/10/26, 2:31 PM\t3/10/26, 4:00 PM\t1h 29m\tstranger@x.test\tAttendee',
    ].join('\n');
    const planned = planAttendance(text, members);
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.emailHeading).toBe('Email');
    expect(planned.plan.rows.map((r) => [r.line, r.outcome])).toEqual([
      [7, 'new'],
      [8, 'unknown'],
    ]);
  });

  it('names the missing e-mail column', () => {
    const planned = planAttendance('Name,Minutes\nAnna,40\n', members);
    expect(planned).toEqual({ ok: false, error: { key: 'sessions:file.noEmailColumn', params: { rows: 10 } } });
  });
});
