import { Router } from 'express';
import type { Deps } from '../app.ts';
import { requireRole } from '../auth/guards.ts';
import { HttpError } from '../http/errors.ts';
import { redirect } from '../http/render.ts';
import { parseInput } from '../http/validation.ts';
import { reissueCertificate, revokeCertificate } from './issue.ts';
import { certificateOr404, renderCertificatePage } from './page.ts';
import { revokeSchema } from './schemas.ts';

// Administrators revoke certificates and re-issue them after a name correction. The forms
// live in the admin panel of the verification page; the Origin check applies to both POSTs.

export function certificateAdminRoutes({ db, config }: Deps): Router {
  const router = Router();

  router.post('/certificates/:code/revoke', requireRole('admin'), async (req, res) => {
    const cert = await certificateOr404(db, req.params.code);
    const parsed = parseInput(revokeSchema, req.body);
    if (!parsed.ok) {
      const values = { reason: typeof req.body?.reason === 'string' ? req.body.reason : '' };
      return renderCertificatePage(req, res, { db }, cert, { errors: parsed.errors, values, status: 422 });
    }
    const result = await revokeCertificate(db, cert.code, { reason: parsed.data.reason, now: Date.now() });
    redirect(req, res, `/certificates/${cert.code}?notice=${result.ok ? 'revoked' : 'alreadyRevoked'}`);
  });

  router.post('/certificates/:code/reissue', requireRole('admin'), async (req, res) => {
    const cert = await certificateOr404(db, req.params.code);
    const result = await reissueCertificate(db, cert.code, { issuerName: config.issuerName, issuerNameRu: config.issuerNameRu, now: Date.now() });
    if (result.ok) return redirect(req, res, `/certificates/${result.code}?notice=reissued`);
    if (result.reason === 'unknown') throw new HttpError(404);
    redirect(req, res, `/certificates/${cert.code}?notice=cannotReissue`);
  });

  return router;
}
