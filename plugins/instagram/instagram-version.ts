/**
 * The Graph API version every Instagram call names, in ONE place: Meta retires a version about two years after it
 * ships, so moving to the next one is a one-line change (then run test/connectors/instagram*.int-spec.ts).
 */
export const INSTAGRAM_API_VERSION = 'v23.0';
