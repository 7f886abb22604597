/**
 * The `app.ini` that lets Gogs start without its install wizard, as a typed
 * {@link IniDocument}.
 *
 * Every path Gogs writes to is absolute and under /data (the volume), because
 * Gogs resolves relative paths against its work directory (/app/gogs in the
 * image), which is on the read-only root filesystem. Sources: gogs/gogs
 * v0.14.x `conf/app.ini`, `internal/conf/conf.go`, `internal/conf/log.go`.
 */
import { IniDocument } from './app-ini';

/** Where the data volume is mounted. */
export const GOGS_DATA_DIR = '/data';
/** `GOGS_CUSTOM` of the image: custom templates, and the default config location. */
export const GOGS_CUSTOM_DIR = '/data/gogs';
/** Gogs' application data: database, avatars, attachments, SSH host keys, temporary files. */
export const GOGS_APP_DATA_DIR = '/data/gogs/data';
/** The git user's home (from /etc/passwd in the image): `.gitconfig` lives here. */
export const GOGS_HOME_DIR = '/data/git';
/** Bare repositories. */
export const GOGS_REPOSITORY_ROOT = '/data/git/gogs-repositories';
/** The sqlite database file (Gogs requires an absolute path). */
export const GOGS_DATABASE_PATH = '/data/gogs/data/gogs.db';
/** Where the ConfigMap holding app.ini is mounted; Gogs is started with `--config` pointing at the file. */
export const GOGS_CONFIG_DIR = '/etc/gogs';
/** The config file Gogs is started with. */
export const GOGS_CONFIG_PATH = `${GOGS_CONFIG_DIR}/app.ini`;
/** Environment variable holding `[security] SECRET_KEY`; app.ini refers to it as `${GOGS_SECRET_KEY}`. */
export const GOGS_SECRET_KEY_ENV = 'GOGS_SECRET_KEY';
/** The user the image runs as; with INSTALL_LOCK on, Gogs refuses to start unless RUN_USER equals it. */
export const GOGS_RUN_USER = 'git';

/** Inputs of {@link gogsAppIni}; the construct validates them first. */
export interface GogsAppIniOptions {
  /** Hostname in URLs Gogs generates (`[server] DOMAIN`), e.g. `gogs.ci.svc.cluster.local`. */
  readonly domain: string;
  /** Full URL Gogs is reached at, ending in `/` (`[server] EXTERNAL_URL`). */
  readonly externalUrl: string;
  /** Port the web server listens on. */
  readonly httpPort: number;
  /** Port the built-in SSH server listens on, also shown in SSH clone URLs. */
  readonly sshPort: number;
  /** Exact hostnames webhooks may be delivered to although they resolve to private addresses. */
  readonly localNetworkAllowlist: readonly string[];
  /** Turn off self-registration (accounts are then made by an admin). */
  readonly disableRegistration: boolean;
}

/** Builds the app.ini document. The secret key is an `${ENV}` reference, never a value. */
export function gogsAppIni(options: GogsAppIniOptions): IniDocument {
  return {
    root: {
      BRAND_NAME: 'Gogs',
      RUN_USER: GOGS_RUN_USER,
      RUN_MODE: 'prod',
    },
    sections: {
      server: {
        PROTOCOL: 'http',
        DOMAIN: options.domain,
        HTTP_ADDR: '0.0.0.0',
        HTTP_PORT: options.httpPort,
        EXTERNAL_URL: options.externalUrl,
        APP_DATA_PATH: GOGS_APP_DATA_DIR,
        // No CDN, no Gravatar: the cluster may have no internet access.
        OFFLINE_MODE: true,
        DISABLE_ROUTER_LOG: true,
        // The image has no OpenSSH server: Gogs serves SSH itself, unprivileged.
        START_SSH_SERVER: true,
        SSH_DOMAIN: options.domain,
        SSH_PORT: options.sshPort,
        SSH_LISTEN_PORT: options.sshPort,
        // The check runs `ssh -V`, and the image ships ssh-keygen but no ssh client.
        MINIMUM_KEY_SIZE_CHECK: false,
      },
      database: {
        TYPE: 'sqlite3',
        PATH: GOGS_DATABASE_PATH,
      },
      repository: {
        ROOT: GOGS_REPOSITORY_ROOT,
      },
      'repository.upload': {
        TEMP_PATH: `${GOGS_APP_DATA_DIR}/tmp/uploads`,
      },
      security: {
        INSTALL_LOCK: true,
        // Expanded by Gogs from the environment (app.ini values take ${VAR} in 0.14.x; 0.14.3 has it);
        // the variable comes from a Secret, so the key is never in the manifests.
        SECRET_KEY: { env: GOGS_SECRET_KEY_ENV },
        LOCAL_NETWORK_ALLOWLIST: options.localNetworkAllowlist.length ? options.localNetworkAllowlist : undefined,
      },
      auth: {
        DISABLE_REGISTRATION: options.disableRegistration,
        // Captcha images need no internet, but they get in the way of scripted sign-ups in exercises.
        ENABLE_REGISTRATION_CAPTCHA: false,
        REQUIRE_EMAIL_CONFIRMATION: false,
      },
      session: {
        // Sessions in memory: nothing on disk; users sign in again after a restart.
        PROVIDER: 'memory',
      },
      picture: {
        AVATAR_UPLOAD_PATH: `${GOGS_APP_DATA_DIR}/avatars`,
        REPOSITORY_AVATAR_UPLOAD_PATH: `${GOGS_APP_DATA_DIR}/repo-avatars`,
        DISABLE_GRAVATAR: true,
        ENABLE_FEDERATED_AVATAR: false,
      },
      attachment: {
        PATH: `${GOGS_APP_DATA_DIR}/attachments`,
      },
      lfs: {
        OBJECTS_PATH: `${GOGS_APP_DATA_DIR}/lfs-objects`,
        OBJECTS_TEMP_PATH: `${GOGS_APP_DATA_DIR}/tmp/lfs-objects`,
      },
      log: {
        // Gogs creates ROOT_PATH at start even for console logging; the default is under /app/gogs.
        ROOT_PATH: `${GOGS_CUSTOM_DIR}/log`,
        MODE: 'console',
      },
      'log.console': {
        LEVEL: 'Info',
      },
    },
  };
}
