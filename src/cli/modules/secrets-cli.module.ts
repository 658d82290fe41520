import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseCredentialStore } from '../../credentials/database-credential-store';
import { SecretKeySource } from '../../credentials/secret-key';
import { CliDatabaseModule } from './cli-database.module';

/**
 * `secrets`: the database and the credential store, without CredentialsModule's startup check (these commands
 * are how an operator fixes what that check refuses) and without plugins or configuration.
 */
@Module({})
export class SecretsCliModule {
  static forRoot(): DynamicModule {
    return {
      module: SecretsCliModule,
      imports: [CliDatabaseModule.forRoot()],
      providers: [
        { provide: SecretKeySource, useFactory: () => new SecretKeySource(process.env) },
        DatabaseCredentialStore,
      ],
    };
  }
}
