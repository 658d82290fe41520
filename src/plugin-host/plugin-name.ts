/** What a plugin may be called: users write it in YAML (`connector: acme-intranet`). */
export const PLUGIN_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** PLUGIN_NAME in words, for messages. */
export const PLUGIN_NAME_RULE =
  'lowercase letters, digits and dashes, starting with a letter or digit, at most 63';
