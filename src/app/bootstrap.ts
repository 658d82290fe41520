import { INestApplication, StandardSchemaValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { LoadedConfig } from '../config/config.loader';
import { ConfigService } from '../config/config.service';
import { AppModule } from './app.module';
import { listenBeforeInit } from './listen-first';
import { RuntimeOptions } from './runtime-options';
import { METRONOME_VERSION } from './version';

/** Builds the Nest application for a role, with OpenAPI docs at /api/docs. Does not listen. */
export async function createApp(runtime: RuntimeOptions, loaded: LoadedConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(runtime, loaded), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Helmet-equivalent headers, X-Powered-By removed. No upgrade-insecure-requests or HSTS: Metronome is
  // often reached over plain HTTP on a private network, and TLS (with HSTS) belongs to the proxy in front.
  app.useSecurityHeaders({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    strictTransportSecurity: false,
  });
  // Not SIGHUP, which Nest would treat as shutdown by default: SIGHUP reloads the configuration.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
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
  SwaggerModule.setup('api/docs', app, document);
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
  app.get(ConfigService).watchForChanges();
  return app;
}
