import { Global, Module } from '@nestjs/common';
import { CredentialKeyCheck } from './credential-key.check';
import { CredentialStore } from './credential-store';
import { DatabaseCredentialStore } from './database-credential-store';
import { OAuthCredentialsFactory } from './oauth-credentials.factory';
import { SecretKeySource } from './secret-key';

/**
 * The encrypted credential store and what connectors read it through. Global, so the connector instances of every
 * feature (and the OAuth flow) reach one store; it needs the PersistenceModule's TransactionContext and the Clock.
 * Starting it checks that the key in force opens the tokens held (CredentialKeyCheck).
 */
@Global()
@Module({
  providers: [
    { provide: SecretKeySource, useFactory: () => new SecretKeySource(process.env) },
    DatabaseCredentialStore,
    { provide: CredentialStore, useExisting: DatabaseCredentialStore },
    OAuthCredentialsFactory,
    CredentialKeyCheck,
  ],
  exports: [SecretKeySource, CredentialStore, DatabaseCredentialStore, OAuthCredentialsFactory],
})
export class CredentialsModule {}
