/**
 * Reference helpers: where secrets come from (never their values), and Prism entities by name or UUID.
 */
import type { CredentialsRef, SecretRef } from "../schema/refs";

/** Where Prism Central credentials are read at apply time. Never the credentials themselves. */
export class Credentials {
  /**
   * Username and password from environment variables, read by the handler at apply time.
   * @example Credentials.fromEnv("NUTANIX_USERNAME", "NUTANIX_PASSWORD")
   */
  public static fromEnv(usernameEnv: string, passwordEnv: string): CredentialsRef {
    return { source: "env", usernameEnv, passwordEnv };
  }

  /** A JSON file `{ "username": "…", "password": "…" }`, read by the handler at apply time. */
  public static fromFile(path: string): CredentialsRef {
    return { source: "file", path };
  }

  private constructor() {}
}

/** Where a secret (an API key, a BGP password) is read at apply time. Never the secret itself. */
export class Secret {
  /** A secret held in an environment variable. */
  public static fromEnv(env: string): SecretRef {
    return { source: "env", env };
  }

  /** A secret held in a file (a trailing newline is trimmed). */
  public static fromFile(path: string): SecretRef {
    return { source: "file", path };
  }

  private constructor() {}
}

/** A Prism entity referenced by name. */
export interface NameReference {
  readonly name: string;
}
/** A Prism entity referenced by UUID. */
export interface UuidReference {
  readonly uuid: string;
}

/** A disk image in Prism Central. */
export class Image {
  /** The image with this name (must be unique in Prism Central). */
  public static fromName(name: string): NameReference {
    return { name };
  }
  /** The image with this UUID. */
  public static fromUuid(uuid: string): UuidReference {
    return { uuid };
  }
  private constructor() {}
}

/** A subnet in Prism Central. */
export class Subnet {
  /** The subnet with this name. */
  public static fromName(name: string): NameReference {
    return { name };
  }
  /** The subnet with this UUID. */
  public static fromUuid(uuid: string): UuidReference {
    return { uuid };
  }
  private constructor() {}
}

/** A Prism Element cluster registered in Prism Central. */
export class PrismElementCluster {
  /** The Prism Element cluster with this name. */
  public static fromName(name: string): NameReference {
    return { name };
  }
  /** The Prism Element cluster with this UUID. */
  public static fromUuid(uuid: string): UuidReference {
    return { uuid };
  }
  private constructor() {}
}

/** A Prism Central project. */
export class Project {
  /** The project with this name. */
  public static fromName(name: string): NameReference {
    return { name };
  }
  /** The project with this UUID. */
  public static fromUuid(uuid: string): UuidReference {
    return { uuid };
  }
  private constructor() {}
}
