/** config/kubernetes-loki: Loki on the cluster has the storage its mode needs, and S3 keys come in pairs. */
import { configCheck } from './lib';

export const kubernetesLoki = configCheck(
  {
    id: 'config/kubernetes-loki',
    description: 'Loki on the cluster: simple-scalable has object storage; S3 keys are set together',
    explain:
      'In simple-scalable mode the grafana/loki chart runs read, write and backend replicas only on object storage: ' +
      'at helm-loki-6.29.0 its templates/validate.yaml fails the install ("Cannot run scalable targets (backend, read, ' +
      'write) ... without an object storage backend"), so the config is refused at load instead. An S3 access key ' +
      'id without its secret key (or the reverse) cannot sign a request.',
  },
  (stack, add) => {
    if (stack.target.kind !== 'kubernetes') return;
    const { mode, objectStorage: s } = stack.target.loki;
    const where = ['target', 'loki', 'objectStorage'];
    if (mode === 'simple-scalable' && s.type === 'filesystem') {
      add([...where, 'type'], 'target.loki.mode "simple-scalable" needs object storage: expected "s3" or "gcs", got "filesystem"');
    }
    if (s.type === 's3' && !s.accessKeyId !== !s.secretAccessKey) {
      add(where, 'set accessKeyId and secretAccessKey together (static keys), or neither (the pod\'s own identity)');
    }
  },
);
