import { sigtermScenario } from './sigterm-scenario';

// The built CLI (`npm run build`) on a SQLite file, the inline queue.
sigtermScenario('sqlite');
