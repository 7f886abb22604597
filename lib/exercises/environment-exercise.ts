import { Construct } from 'constructs';
import { ConfiguredPod } from '../constructs/pod/configured-pod';
import { Project } from '../constructs/project/project';

/** The Secret the environment exercise reads; create it before (or after) applying. */
export const ENV_EXERCISE_SECRET = 'env-demo-secret';

/**
 * Exercise: 동일한 컨테이너에서 환경설정 (environment configuration inside a
 * container), in namespace `env-config`: a ConfigMap and a Secret read as
 * single variables, as a whole map and as files, plus the downward API.
 */
export class EnvironmentExercise extends Project {
  public readonly pod: ConfiguredPod;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'env-config' });
    this.pod = new ConfiguredPod(this, 'env-demo', {
      name: 'env-demo',
      settings: { APP_COLOR: 'blue', APP_MODE: 'practice' },
      secret: { name: ENV_EXERCISE_SECRET, keys: ['DB_PASSWORD'] },
    });
  }
}
