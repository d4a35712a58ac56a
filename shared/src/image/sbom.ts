// The software bill of materials of a pushed image, as CycloneDX JSON made with the CycloneDX library:
// the npm packages its lockfiles install (production ones: dev dependencies stay in build stages) and
// the Debian packages its dpkg database lists, read from the image itself.
// Its parts by subpath: the package index also loads the validators, the XML side and the npm helpers.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';

export interface Package {
  name: string;
  version: string;
  purl: string;
  kind: 'npm' | 'deb';
}

/** Production packages of an npm lockfile (v2/v3 "packages"); links and the root project left out. */
export function npmPackages(lockText: string): Package[] {
  const lock = JSON.parse(lockText) as {
    packages?: Record<string, { version?: string; dev?: boolean; link?: boolean; name?: string }>;
  };
  const out: Package[] = [];
  for (const [key, p] of Object.entries(lock.packages ?? {})) {
    if (!key || p.link || p.dev || !p.version) continue;
    const name = p.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const purlName = name.startsWith('@') ? `%40${name.slice(1)}` : name;
    out.push({ name, version: p.version, purl: `pkg:npm/${purlName}@${p.version}`, kind: 'npm' });
  }
  return out;
}

/** Installed packages of a dpkg status file (/var/lib/dpkg/status). */
export function debPackages(status: string): Package[] {
  const out: Package[] = [];
  for (const para of status.split(/\n\s*\n/)) {
    const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(para)?.[1]?.trim();
    const name = field('Package');
    const version = field('Version');
    if (!name || !version || !/install ok installed/.test(field('Status') ?? '')) continue;
    const arch = field('Architecture');
    out.push({
      name,
      version,
      purl: `pkg:deb/debian/${name}@${encodeURIComponent(version)}${arch ? `?arch=${arch}` : ''}`,
      kind: 'deb',
    });
  }
  return out;
}

/** A CycloneDX 1.5 document for `image@digest` listing `packages` (deduplicated by purl). */
export function cycloneDx(image: string, digest: string, packages: Package[], tool: string): string {
  const bom = new Models.Bom();
  bom.metadata.component = new Models.Component(Enums.ComponentType.Container, image, {
    version: digest,
    bomRef: `${image}@${digest}`,
  });
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, tool));
  const seen = new Set<string>();
  for (const p of packages) {
    if (seen.has(p.purl)) continue;
    seen.add(p.purl);
    const c = new Models.Component(Enums.ComponentType.Library, p.name, {
      version: p.version,
      bomRef: p.purl,
    });
    // The purl as text: the library accepts a PackageURL object or its string form.
    (c as { purl?: unknown }).purl = p.purl;
    bom.components.add(c);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot5));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
