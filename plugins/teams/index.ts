import { defineNotifier } from '../../src/plugin-sdk';
import { TeamsNotifier } from './teams.notifier';
import { teamsOptionsSchema, type TeamsOptions } from './teams-options.schema';

/** Microsoft Teams through a Workflows (Power Automate) webhook: an Adaptive Card with link actions. */
export default defineNotifier<TeamsOptions>({
  kind: 'notifier',
  name: 'teams',
  version: '1.0.0',
  sdk: '^2.0.0',
  // People are mentioned by handles.<notifier id> (UPN or Entra object id).
  addressing: 'handle',
  description: 'Microsoft Teams Workflows webhook (Adaptive Card; people mentioned by UPN or Entra id).',
  options: teamsOptionsSchema,
  create: (context, options) => new TeamsNotifier(context, options),
});
