// The package ships no types; this is the part of its API the plugin loader uses.
declare module 'validate-npm-package-name' {
  interface PackageNameValidation {
    validForNewPackages: boolean;
    validForOldPackages: boolean;
    errors?: string[];
    warnings?: string[];
  }
  function validate(name: string): PackageNameValidation;
  export = validate;
}
