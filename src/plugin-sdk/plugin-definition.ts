import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ConnectorCapabilities, Connector } from './connector';
import type { Notifier } from './notifier';
import type { OAuthProvider } from './oauth';
import type { PluginContext } from './plugin-context';
import type { ReportTemplate } from './report-template';

export type PluginKind = 'connector' | 'notifier' | 'report-template';

/** What every plugin declares about itself. The host checks it before anything else runs. */
export interface PluginManifest<Options> {
  /** Unique name users write in YAML (`connector: bluesky`). Lowercase, digits, dashes. */
  name: string;
  version: string;
  description?: string;
  /** The SDK versions this plugin works with, as a semver range, e.g. "^1.0.0". */
  sdk: string;
  /**
   * Schema of the plugin's options (any Standard Schema: zod, valibot, arktype…). The host validates the
   * YAML against it and reports problems as `file:line:col  path  message` with the plugin's name.
   */
  options?: StandardSchemaV1<unknown, Options>;
}

export interface ConnectorPlugin<Options = Record<string, unknown>> extends PluginManifest<Options> {
  kind: 'connector';
  capabilities: ConnectorCapabilities;
  /**
   * The platform authorizes accounts with OAuth 2: the host connects channels (`metronome channels connect`), keeps
   * their tokens encrypted, renews them, and gives them to the connector as `credentialsOf(context)`. (SDK 2.1)
   */
  oauth?: OAuthProvider<Options>;
  create(context: PluginContext, options: Options): Connector | Promise<Connector>;
}

export interface NotifierPlugin<Options = Record<string, unknown>> extends PluginManifest<Options> {
  kind: 'notifier';
  /**
   * How the notifier reaches a person: by their `email`, by `handles.<notifier id>` (a Slack member id,
   * a phone number…), or not at all (`none`: it posts to one place, like a team channel webhook).
   * Default `handle`.
   */
  addressing?: 'email' | 'handle' | 'none';
  create(context: PluginContext, options: Options): Notifier | Promise<Notifier>;
}

export interface ReportTemplatePlugin<Options = Record<string, unknown>> extends PluginManifest<Options> {
  kind: 'report-template';
  create(context: PluginContext, options: Options): ReportTemplate | Promise<ReportTemplate>;
}

export type PluginDefinition = ConnectorPlugin<any> | NotifierPlugin<any> | ReportTemplatePlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Identity helpers that give plugin authors type inference and nothing else. */
export function defineConnector<Options>(plugin: ConnectorPlugin<Options>): ConnectorPlugin<Options> {
  return plugin;
}
export function defineNotifier<Options>(plugin: NotifierPlugin<Options>): NotifierPlugin<Options> {
  return plugin;
}
export function defineReportTemplate<Options>(
  plugin: ReportTemplatePlugin<Options>,
): ReportTemplatePlugin<Options> {
  return plugin;
}
