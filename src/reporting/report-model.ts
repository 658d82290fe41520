/** The report data model now lives in the plugin SDK (report-template plugins need it); the core keeps this path. */
export * from '../plugin-sdk/report-model';
