#!/usr/bin/env node
// Offline checks of deploy/k8s (no cluster needed).
//   node k8s-validate.cjs <k8s-dir> [rendered.yaml ...]
// Needs the npm packages kubernetes-models and yaml, found through $K8S_VALIDATE_PREFIX
// (default /tmp/k8s-validate: npm install --prefix /tmp/k8s-validate kubernetes-models yaml).
//  1. every kustomization.yaml: its resources and patch files exist; patch targets (kind+name) exist
//     in what the kustomization builds on; image names it sets are used; replacement sources and
//     targets exist; no YAML file under <k8s-dir> is left unreferenced;
//  2. every resource manifest, and every object of each rendered overlay, is constructed with
//     kubernetes-models and validate()d (types and required fields; unknown keys are NOT caught);
//     KEDA ScaledObjects, which kubernetes-models does not know, are checked by hand;
//  3. project rules: autoscaler max replicas <= partitions of topic saliency; probes on /health/*.
// Prints one line per failure and ends with "N passed, N failed".
'use strict';
const fs = require('fs');
const path = require('path');
const prefix = process.env.K8S_VALIDATE_PREFIX || '/tmp/k8s-validate';
const req = require('module').createRequire(path.join(path.resolve(prefix), 'package.json'));
const YAML = req('yaml');

let passed = 0;
let failed = 0;
const ok = (cond, what) => {
  if (cond) passed++;
  else { failed++; console.log(`FAIL ${what}`); }
  return cond;
};

function docs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i}: ${d.errors[0].message}`);
    return d.toJSON();
  }).filter((d) => d && typeof d === 'object');
}

// ---- kubernetes-models -------------------------------------------------------------------------
function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [null, apiVersion];
  const mod = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  try { return req(mod)[kind]; } catch { return undefined; }
}

function checkScaledObject(o, where) {
  const s = o.spec || {};
  ok(o.apiVersion === 'keda.sh/v1alpha1', `${where}: apiVersion keda.sh/v1alpha1`);
  ok(typeof o.metadata?.name === 'string' && o.metadata.name.length > 0, `${where}: metadata.name`);
  ok(typeof s.scaleTargetRef?.name === 'string', `${where}: spec.scaleTargetRef.name is required`);
  for (const k of ['pollingInterval', 'cooldownPeriod', 'minReplicaCount', 'maxReplicaCount']) {
    if (k in s) ok(Number.isInteger(s[k]) && s[k] >= 0, `${where}: spec.${k} must be a non-negative integer`);
  }
  if ('minReplicaCount' in s && 'maxReplicaCount' in s) {
    ok(s.minReplicaCount <= s.maxReplicaCount, `${where}: minReplicaCount <= maxReplicaCount`);
  }
  if (ok(Array.isArray(s.triggers) && s.triggers.length > 0, `${where}: spec.triggers must be a non-empty list`)) {
    s.triggers.forEach((t, i) => {
      const w = `${where}: triggers[${i}]`;
      ok(typeof t.type === 'string', `${w}.type is required`);
      if (!ok(t.metadata && typeof t.metadata === 'object', `${w}.metadata is required`)) return;
      for (const [k, v] of Object.entries(t.metadata)) ok(typeof v === 'string', `${w}.metadata.${k} must be a string`);
      if (t.type === 'kafka') {
        for (const k of ['bootstrapServers', 'consumerGroup', 'topic', 'lagThreshold']) {
          ok(typeof t.metadata[k] === 'string' && t.metadata[k] !== '', `${w}.metadata.${k} is required for kafka`);
        }
        ok(/^\d+$/.test(t.metadata.lagThreshold || ''), `${w}.metadata.lagThreshold must be a whole number`);
      }
    });
  }
}

function validateObject(o, where) {
  if (!ok(typeof o.apiVersion === 'string' && typeof o.kind === 'string', `${where}: apiVersion and kind`)) return;
  where = `${where} ${o.kind}/${o.metadata?.name}`;
  if (o.kind === 'ScaledObject') return checkScaledObject(o, where);
  const Model = modelFor(o.apiVersion, o.kind);
  if (!ok(Model, `${where}: kubernetes-models knows ${o.apiVersion} ${o.kind}`)) return;
  try { new Model(o).validate(); ok(true); } catch (e) { ok(false, `${where}: ${e.message}`); }
}

// ---- kustomizations ----------------------------------------------------------------------------
const kustomizations = new Map(); // dir -> {objects: [{kind, name, obj}], images: Set}
const referenced = new Set();
const validated = new Set();

function build(dir) {
  if (kustomizations.has(dir)) return kustomizations.get(dir);
  const kfile = path.join(dir, 'kustomization.yaml');
  const result = { objects: [], images: new Set() };
  kustomizations.set(dir, result);
  if (!ok(fs.existsSync(kfile), `${dir}: has kustomization.yaml`)) return result;
  referenced.add(kfile);
  const k = docs(kfile)[0] || {};
  ok(k.kind === 'Kustomization', `${kfile}: kind Kustomization`);
  for (const r of k.resources || []) {
    const p = path.resolve(dir, r);
    if (!ok(fs.existsSync(p), `${kfile}: resource ${r} exists`)) continue;
    if (fs.statSync(p).isDirectory()) {
      const sub = build(p);
      result.objects.push(...sub.objects);
      sub.images.forEach((i) => result.images.add(i));
    } else {
      referenced.add(p);
      for (const o of docs(p)) {
        if (!validated.has(p)) validateObject(o, path.relative(process.cwd(), p));
        result.objects.push({ kind: o.kind, name: o.metadata?.name, obj: o });
        collectImages(o, result.images);
      }
      validated.add(p);
    }
  }
  const has = (kind, name) => result.objects.some((x) => x.kind === kind && x.name === name);
  for (const [i, p] of (k.patches || []).entries()) {
    let patchDocs = [];
    if (p.path) {
      const f = path.resolve(dir, p.path);
      if (!ok(fs.existsSync(f), `${kfile}: patch ${p.path} exists`)) continue;
      referenced.add(f);
      patchDocs = docs(f);
    } else if (p.patch) {
      patchDocs = YAML.parseAllDocuments(p.patch).map((d) => d.toJSON());
    }
    for (const d of patchDocs) {
      const kind = p.target?.kind || d.kind;
      const name = p.target?.name || d.metadata?.name;
      ok(has(kind, name), `${kfile}: patch ${i} targets ${kind}/${name}, which the kustomization's resources contain`);
      if (d.$patch === 'delete') result.objects = result.objects.filter((x) => !(x.kind === kind && x.name === name));
      else collectImages(d, result.images);
    }
  }
  for (const img of k.images || []) {
    ok(result.images.has(img.name), `${kfile}: image ${img.name} is used by some container`);
  }
  for (const r of k.replacements || []) {
    ok(has(r.source.kind, r.source.name), `${kfile}: replacement source ${r.source.kind}/${r.source.name} exists`);
    for (const t of r.targets || []) ok(has(t.select.kind, t.select.name), `${kfile}: replacement target ${t.select.kind}/${t.select.name} exists`);
  }
  return result;
}

function collectImages(o, into) {
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (Array.isArray(x.containers)) x.containers.forEach((c) => c.image && into.add(c.image.split(':')[0]));
      Object.values(x).forEach(walk);
    }
  };
  walk(o);
}

// ---- project rules on a rendered object list -------------------------------------------------
function projectRules(objects, where) {
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'wsol-topics');
  const script = job ? JSON.stringify(job.spec.template.spec.containers[0].args || []) : '';
  const m = /--topic \\"\$WSOL_TOPIC_SALIENCY\\" +--partitions (\d+)/.exec(script);
  if (!ok(m, `${where}: topics Job creates the saliency topic with --partitions N`)) return;
  const partitions = Number(m[1]);
  for (const o of objects) {
    if (o.kind === 'ScaledObject') ok(o.spec.maxReplicaCount <= partitions, `${where}: ScaledObject max ${o.spec.maxReplicaCount} <= ${partitions} saliency partitions`);
    if (o.kind === 'HorizontalPodAutoscaler') ok(o.spec.maxReplicas <= partitions, `${where}: HPA max ${o.spec.maxReplicas} <= ${partitions} saliency partitions`);
    const pod = o.spec?.template?.spec;
    if (['Deployment', 'StatefulSet'].includes(o.kind) && pod) {
      for (const c of pod.containers) {
        ok(c.livenessProbe?.httpGet?.path === '/health/live', `${where}: ${o.kind}/${o.metadata.name} liveness on /health/live`);
        ok(c.readinessProbe?.httpGet?.path === '/health/ready', `${where}: ${o.kind}/${o.metadata.name} readiness on /health/ready`);
        ok(c.resources?.requests && c.resources?.limits, `${where}: ${o.kind}/${o.metadata.name} has requests and limits`);
      }
    }
  }
}

// ---- main --------------------------------------------------------------------------------------
const [root, ...rendered] = process.argv.slice(2);
if (!root) { console.error('usage: k8s-validate.cjs <k8s-dir> [rendered.yaml ...]'); process.exit(2); }
const rootAbs = path.resolve(root);
const kdirs = [];
(function find(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) find(p);
    else if (e.name === 'kustomization.yaml') kdirs.push(d);
  }
})(rootAbs);
for (const d of kdirs.sort()) build(d);
for (const d of kdirs) {
  if (!path.relative(rootAbs, d).startsWith('overlays')) continue;
  projectRules(kustomizations.get(d).objects.map((x) => x.obj), `${path.relative(process.cwd(), d)} (merged by this script)`);
}
(function orphans(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) orphans(p);
    else if (/\.ya?ml$/.test(e.name)) ok(referenced.has(p), `${path.relative(process.cwd(), p)} is referenced by a kustomization`);
  }
})(rootAbs);
for (const f of rendered) {
  const objs = docs(f);
  ok(objs.length > 0, `${f}: rendered something`);
  objs.forEach((o) => validateObject(o, `${f}`));
  projectRules(objs, f);
}
console.log(`k8s: ${kdirs.length} kustomizations, ${validated.size} manifest files, ${rendered.length} rendered overlays`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
