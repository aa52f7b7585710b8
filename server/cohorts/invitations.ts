import { Router } from 'express';
import type { Deps } from '../app.ts';
import { requireUser, signedInUser } from '../auth/guards.ts';
import { isVerified } from '../auth/verification.ts';
import { HttpError } from '../http/errors.ts';
import { redirect } from '../http/render.ts';
import { answerCohortInvitation } from './enrol.ts';
import { sendMessage } from '../mail/send.ts';
import { mailEnabled } from '../mail/transport.ts';
import { type Cohort, inviteesOf } from './queries.ts';
import { idParam } from './schemas.ts';

// An existing account listed in a trainer's CSV is invited: its owner accepts or declines on the
// dashboard, and is told by e-mail when mail is set up. Until then the trainer sees "invited".

export function invitationRoutes({ db, config }: Deps): Router {
  const router = Router();
  router.use('/invitations', requireUser);

  for (const answer of ['accept', 'decline'] as const) {
    router.post(`/invitations/:id/${answer}`, async (req, res) => {
      const cohortId = idParam.safeParse(req.params.id);
      const user = signedInUser(res);
      // Someone else's invitation, an answered one and one for an unproven address all look alike.
      if (!cohortId.success || !isVerified(user)) throw new HttpError(404);
      if (!(await answerCohortInvitation(db, { cohortId: cohortId.data, userId: user.id, accept: answer === 'accept', baseUrl: config.baseUrl }))) {
        throw new HttpError(404);
      }
      redirect(req, res, `/dashboard?invitation=${answer === 'accept' ? 'accepted' : 'declined'}`);
    });
  }
  return router;
}

/**
 * Tells each invited person, in their language, who invited them to which cohort and where to
 * answer. Addresses not yet proven get nothing: the mail would name a cohort to whoever registered it.
 */
export async function sendInvitations(deps: Deps, input: { cohort: Cohort; inviter: { name: string }; userIds: number[] }): Promise<void> {
  if (!mailEnabled(deps.config)) return;
  const people = (await inviteesOf(deps.db, input.userIds)).filter((p) => p.verified);
  for (const p of people) {
    await sendMessage(deps, {
      to: p.email,
      language: p.language,
      subjectKey: 'cohorts:invitation.mail.subject',
      bodyKey: 'cohorts:invitation.mail.body',
      params: { name: p.name, inviter: input.inviter.name, cohort: input.cohort.name, link: `${deps.config.baseUrl}/dashboard#invitations` },
    });
  }
}
