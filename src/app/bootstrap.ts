import { INestApplication, StandardSchemaValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { pinoHttp } from 'pino-http';
import { LoadedConfig } from '../config/config.loader';
import { ConfigService } from '../config/config.service';
import { CONTENT_REQUEST_LIMIT } from '../content/content-files.service';
import { documentErrorBody } from '../http/error-body.openapi';
import { AppModule } from './app.module';
import { createPinoLogger, PinoLogger } from './pino.logger';
import { installGracefulShutdown } from './graceful-shutdown';
import { listenBeforeInit } from './listen-first';
import { redactRequestSecrets } from './request-log.serializer';
import { RuntimeOptions } from './runtime-options';
import { METRONOME_VERSION } from './version';

/** Builds the Nest application for a role, with OpenAPI docs at /api/docs. Does not listen. */
export async function createApp(runtime: RuntimeOptions, loaded: LoadedConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime, loaded), {
    bufferLogs: true,
  });
  const logger = createPinoLogger(runtime.logLevel);
  app.useLogger(new PinoLogger(logger));
  app.use(
    pinoHttp({
      logger,
      serializers: { req: redactRequestSecrets },
      autoLogging: { ignore: (req) => req.url === '/health' },
    }),
  );
  // A post file may be 256 KiB: its route takes JSON bodies that large (with room for escaping); every other route
  // keeps the 100 KB default. The route's parser runs first; the general one then skips a body already read.
  app.use('/api/v1/brands/:brand/content', json({ limit: CONTENT_REQUEST_LIMIT }));
  app.useBodyParser('json', { limit: '100kb' });
  // Helmet-equivalent headers, X-Powered-By removed. No upgrade-insecure-requests or HSTS: Metronome is
  // often reached over plain HTTP on a private network, and TLS (with HSTS) belongs to the proxy in front.
  app.useSecurityHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  });
  // Request bodies and queries are validated by the zod schemas given to @Body/@Query.
  app.useGlobalPipes(new StandardSchemaValidationPipe());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Metronome API')
      .setDescription(
        'Plan, prepare, publish & monitor, review: the social media management cycle as an API.',
      )
      .setVersion(METRONOME_VERSION)
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Token from `metronome token create`' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, documentErrorBody(document));
  return app;
}

/**
 * Listens, then initialises (schedulers, workers, cluster leases), then watches the config; returns once
 * the process is ready for traffic. The port is bound first: a process that cannot serve `/health` and
 * the API closes again and throws a ListenError before any lease is taken or any post claimed.
 */
export async function startApp(runtime: RuntimeOptions, loaded: LoadedConfig): Promise<INestApplication> {
  const app = await createApp(runtime, loaded);
  try {
    const { markReady } = await listenBeforeInit(app, runtime.port, runtime.host);
    await app.init();
    markReady();
  } catch (error) {
    await app.close();
    throw error;
  }
  // SIGTERM/SIGINT (not SIGHUP, which reloads the configuration): a bounded, reported shutdown.
  installGracefulShutdown(app, { timeoutMs: runtime.shutdownTimeoutMs });
  app.get(ConfigService).watchForChanges();
  return app;
}
