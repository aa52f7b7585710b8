import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import { sessionMiddleware } from './auth/middleware.ts';
import { authRoutes } from './auth/routes.ts';
import { certificateRoutes } from './certificates/routes.ts';
import { smtpTransport, type TransportFactory } from './mail/transport.ts';
import { cohortRoutes } from './cohorts/routes.ts';
import { reminderRoutes } from './reminders/routes.ts';
import { liveSessionRoutes } from './live-sessions/routes.ts';
import { reviewRoutes } from './reviews/routes.ts';
import { recognitionRoutes } from './recognition/routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { organisationAdminRoutes } from './organisations/admin-routes.ts';
import { slipRoutes } from './slips/routes.ts';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import { accessLog } from './http/access-log.ts';
import { errorHandler, notFound } from './http/errors.ts';
import { frameworkRoutes } from './framework/routes.ts';
import { courseRoutes } from './courses/routes.ts';
import { learningRoutes } from './learning/routes.ts';
import { assignmentRoutes } from './assignments/routes.ts';
import { fileRoutes } from './files/routes.ts';
import { healthRoutes } from './http/health.ts';
import { languageMiddleware } from './http/i18n.ts';
import { NOT_STORED_PATHS, noStore } from './http/no-store.ts';
import { viewHelpers } from './http/locals.ts';
import { configureViews } from './http/render.ts';
import { sameOriginWrites, securityHeaders } from './http/security.ts';
import { staticRouter } from './http/static.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { portfolioRoutes } from './portfolio/routes.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  logger?: Logger;
  /** How mail transports are made for SMTP_URL (tests pass one that records messages). */
  mailTransport?: TransportFactory;
}

/** Builds the whole application; never listens, so tests drive it in-process. */
export function createApp({ db, config, logger = pino({ level: config.logLevel }), mailTransport = smtpTransport }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only proxies named by TRUST_PROXY may set the client address (rate limits count by it).
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  configureViews({ cache: config.env !== 'development' });

  app.use(accessLog(logger));
  app.use(securityHeaders(config.secureCookies));
  app.use(NOT_STORED_PATHS, noStore);
  app.use(compression());
  app.use('/static', staticRouter());
  app.use(cookieParser());
  // What every page needs (language, t, view helpers); the error handler runs them when an error came first.
  const pageLocals = [languageMiddleware(config.secureCookies), viewHelpers(config)];
  app.use(pageLocals);
  app.use(sessionMiddleware(db, config.secureCookies));
  app.use(sameOriginWrites(config.baseUrl));
  // Bodies are read last: a cross-site write is refused unread, and a body error (413, bad JSON) gets the reader's page.
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '200kb' }));

  const deps = { db, config, logger, mailTransport };
  app.use(healthRoutes(deps));
  app.use(authRoutes(deps));
  app.use(frameworkRoutes(deps));
  app.use(organisationRoutes(deps));
  app.use(learningRoutes(deps));
  app.use(assignmentRoutes(deps));
  app.use(fileRoutes(deps));
  app.use(courseRoutes(deps));
  app.use(certificateRoutes(deps));
  app.use(cohortRoutes(deps));
  app.use(reminderRoutes(deps));
  app.use(liveSessionRoutes(deps));
  app.use(reviewRoutes(deps));
  app.use(recognitionRoutes(deps));
  app.use(portfolioRoutes(deps));
  app.use(slipRoutes(deps));
  app.use(reportRoutes(deps));
  app.use(organisationAdminRoutes(deps));

  app.use(notFound);
  app.use(errorHandler(logger, { showStack: config.env === 'development', pageLocals }));
  return app;
}

export type Deps = Required<AppDeps>;
