export const id = 665;
export const ids = [665];
export const modules = {

/***/ 1665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  startEmulator: () => (/* binding */ startEmulator),
  worldFromManifests: () => (/* reexport */ worldFromManifests)
});

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
;// CONCATENATED MODULE: ./shared/src/aws/operations.ts
/** IAM action prefix per service (ELBv2's is "elasticloadbalancing", Logs' is "logs"). */
const IAM_PREFIX = {
    ecs: 'ecs',
    ecr: 'ecr',
    sts: 'sts',
    elbv2: 'elasticloadbalancing',
    codedeploy: 'codedeploy',
    logs: 'logs',
};
const read = (service, ...names) => names.map((name) => ({ service, name, mutates: false }));
const write = (service, ...names) => names.map((name) => ({ service, name, mutates: true }));
const OPERATIONS = [
    ...read('ecs', 'DescribeClusters', 'DescribeServices', 'DescribeTaskDefinition', 'ListTaskDefinitions', 'DescribeTasks', 'ListTasks', 'ListServiceDeployments', 'DescribeServiceDeployments', 'DescribeServiceRevisions'),
    ...write('ecs', 'RegisterTaskDefinition', 'DeregisterTaskDefinition', 'UpdateService', 'RunTask', 'StopTask', 'StopServiceDeployment', 'ContinueServiceDeployment', 'TagResource'),
    ...read('ecr', 'GetAuthorizationToken', 'DescribeRepositories', 'DescribeImages', 'BatchGetImage'),
    ...write('ecr', 'CreateRepository', 'PutImage', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload'),
    ...read('ecr', 'BatchCheckLayerAvailability', 'GetDownloadUrlForLayer'),
    ...read('sts', 'GetCallerIdentity'),
    // AssumeRoleWithWebIdentity is unsigned and authorised by the role's trust policy, not an IAM action.
    ...write('sts', 'AssumeRoleWithWebIdentity'),
    // ECS and CodeDeploy shift listener weights themselves: Cendence only reads ELBv2.
    ...read('elbv2', 'DescribeTargetGroups', 'DescribeListeners', 'DescribeRules'),
    ...read('codedeploy', 'GetDeployment', 'GetDeploymentGroup'),
    ...write('codedeploy', 'CreateDeployment', 'StopDeployment', 'ContinueDeployment'),
    ...read('logs', 'DescribeLogGroups', 'GetLogEvents'),
];
function findOperation(service, name) {
    return OPERATIONS.find((o) => o.service === service && o.name === name);
}
function isMutating(service, name) {
    // Unknown operations count as mutating: the safe answer for "was anything changed?".
    return findOperation(service, name)?.mutates ?? true;
}
/** IAM actions for a set of operations, e.g. for the deploy role's policy. */
function iamActions(ops = OPERATIONS) {
    return [...new Set(ops.map((o) => `${IAM_PREFIX[o.service]}:${o.name}`))].sort();
}

;// CONCATENATED MODULE: ./emulator/src/calls.ts
// The call log: every AWS API call the emulator answered (or refused), in arrival order.
// Tests assert on it ("no mutating call was made"); GET /_cendence/calls serves it.

/** Cendence's registry decides for the operations it calls; any other read is known by its verb. */
function mutates(service, operation) {
    const known = findOperation(service, operation);
    if (known)
        return known.mutates;
    return !/^(Describe|List|Get|BatchGet|BatchCheck|Filter)/.test(operation);
}
const MAX_RECORDS = 200_000;
class CallLog {
    records = [];
    seq = 0;
    record(entry) {
        const rec = {
            seq: ++this.seq,
            ...entry,
            mutates: mutates(entry.service, entry.operation),
        };
        this.records.push(rec);
        // A long demo must not grow without bound: keep the latest MAX_RECORDS (seq keeps counting).
        if (this.records.length > MAX_RECORDS)
            this.records.splice(0, this.records.length - MAX_RECORDS);
        return rec;
    }
    list(filter = {}) {
        return this.records.filter((r) => (filter.service === undefined || r.service === filter.service) &&
            (filter.operation === undefined || r.operation === filter.operation) &&
            (filter.mutates === undefined || r.mutates === filter.mutates) &&
            (filter.since === undefined || r.seq > filter.since));
    }
    clear() {
        this.records = [];
    }
}

;// CONCATENATED MODULE: ./emulator/src/clock.ts
class EmulatorClock {
    mode;
    speed;
    timers = new Map();
    nextId = 1;
    seq = 0;
    virtualNow;
    realStart = Date.now();
    emuStart;
    constructor(mode = 'virtual', 
    /** Emulated seconds per real second (real mode only). */
    speed = 1, start = Date.now()) {
        this.mode = mode;
        this.speed = speed;
        if (!(speed > 0))
            throw new Error(`clock speed must be > 0, got ${speed}`);
        this.virtualNow = start;
        this.emuStart = start;
    }
    now() {
        if (this.mode === 'virtual')
            return this.virtualNow;
        return Math.floor(this.emuStart + (Date.now() - this.realStart) * this.speed);
    }
    sleep(ms) {
        return new Promise((resolve) => this.schedule(ms, resolve, 0, true));
    }
    every(ms, fn) {
        const id = this.schedule(ms, fn, Math.max(1, ms), false);
        return () => this.cancel(id);
    }
    /** Runs `fn` once after `ms` of emulated time; returns a cancel function. */
    after(ms, fn) {
        const id = this.schedule(ms, fn, 0, false);
        return () => this.cancel(id);
    }
    /**
     * Virtual clock only: moves time forward by `seconds`, firing every due timer in due order (ties in
     * creation order). Promise continuations of sleep() run before the next timer fires.
     */
    async advance(seconds) {
        if (this.mode !== 'virtual')
            throw new Error('advance() needs the virtual clock');
        if (!(seconds >= 0))
            throw new Error(`seconds must be a non-negative number, got ${seconds}`);
        const target = this.virtualNow + seconds * 1000;
        for (;;) {
            const next = this.earliest(target);
            if (!next)
                break;
            this.virtualNow = Math.max(this.virtualNow, next.due);
            this.fire(next);
            if (next.wakes)
                await new Promise((r) => setImmediate(r));
        }
        this.virtualNow = target;
        return this.virtualNow;
    }
    /** Drops every timer (reset and stop). */
    clear() {
        for (const t of this.timers.values())
            if (t.handle)
                clearTimeout(t.handle);
        this.timers.clear();
    }
    get pendingTimers() {
        return this.timers.size;
    }
    earliest(limit) {
        let best;
        for (const t of this.timers.values()) {
            if (t.due > limit)
                continue;
            if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq))
                best = t;
        }
        return best;
    }
    schedule(ms, fn, every, wakes) {
        const id = this.nextId++;
        const timer = { id, due: this.now() + Math.max(0, ms), seq: this.seq++, fn, every, wakes };
        this.timers.set(id, timer);
        if (this.mode === 'real')
            this.arm(timer);
        return id;
    }
    arm(timer) {
        const delay = Math.max(0, (timer.due - this.now()) / this.speed);
        timer.handle = setTimeout(() => this.fire(timer), delay);
    }
    fire(timer) {
        if (!this.timers.has(timer.id))
            return;
        if (timer.every > 0) {
            timer.due += timer.every;
            timer.seq = this.seq++;
            if (this.mode === 'real')
                this.arm(timer);
        }
        else {
            this.timers.delete(timer.id);
        }
        timer.fn();
    }
    cancel(id) {
        const t = this.timers.get(id);
        if (t?.handle)
            clearTimeout(t.handle);
        this.timers.delete(id);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./emulator/src/faults.ts
const FAULT_ERRORS = ['ThrottlingException', 'InternalFailure', 'ServiceUnavailable'];
/** HTTP status and wire code of each injectable error, per protocol family. */
function faultWire(error, service) {
    if (error === 'ThrottlingException') {
        const query = service === 'elbv2' || service === 'sts';
        return { code: query ? 'Throttling' : 'ThrottlingException', status: 400 };
    }
    if (error === 'ServiceUnavailable')
        return { code: 'ServiceUnavailable', status: 503 };
    return { code: 'InternalFailure', status: 500 };
}
class FaultBook {
    faults = [];
    nextId = 1;
    add(spec) {
        if (spec.error !== undefined && !FAULT_ERRORS.includes(spec.error)) {
            throw new Error(`error must be one of ${FAULT_ERRORS.join(', ')}`);
        }
        if (spec.error === undefined && !spec.drop && spec.latencyMs === undefined) {
            throw new Error('a fault needs "error", "drop" or "latencyMs"');
        }
        if (spec.probability !== undefined && !(spec.probability >= 0 && spec.probability <= 1)) {
            throw new Error('probability must be between 0 and 1');
        }
        if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
            throw new Error('times must be a positive integer');
        }
        const fault = { ...spec, id: this.nextId++, hits: 0 };
        this.faults.push(fault);
        return fault;
    }
    /** The first live fault matching the call, consumed by one hit; undefined if none applies. */
    take(service, operation, random = Math.random) {
        for (const f of this.faults) {
            if (f.service !== undefined && f.service !== service)
                continue;
            if (f.operation !== undefined && f.operation !== operation)
                continue;
            if (f.times !== undefined && f.hits >= f.times)
                continue;
            if (f.probability !== undefined && random() >= f.probability)
                continue;
            f.hits++;
            return f;
        }
        return undefined;
    }
    list() {
        return this.faults.map((f) => ({ ...f }));
    }
    clear() {
        this.faults = [];
    }
}

;// CONCATENATED MODULE: ./emulator/src/protocol/json.ts
const JSON_TARGETS = {
    AmazonEC2ContainerServiceV20141113: 'ecs',
    AmazonEC2ContainerRegistry_V20150921: 'ecr',
    CodeDeploy_20141006: 'codedeploy',
    Logs_20140328: 'logs',
};
function parseTarget(target) {
    const dot = target.lastIndexOf('.');
    const prefix = dot >= 0 ? target.slice(0, dot) : target;
    const operation = dot >= 0 ? target.slice(dot + 1) : '';
    return { prefix, service: JSON_TARGETS[prefix], operation };
}
/** Serialises a handler result: Date → epoch seconds (fractional), undefined fields dropped. */
function encodeJson(value) {
    return JSON.stringify(value ?? {}, function (key, v) {
        const raw = this[key];
        return raw instanceof Date ? raw.getTime() / 1000 : v;
    });
}
function jsonError(code, message) {
    return JSON.stringify({ __type: code, message });
}

;// CONCATENATED MODULE: ./emulator/src/protocol/query.ts
const QUERY_VERSIONS = {
    '2011-06-15': { service: 'sts', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
    '2015-12-01': { service: 'elbv2', xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/' },
};
/**
 * "A.member.1.B=x&A.member.2.B=y" → { A: [{B:'x'},{B:'y'}] }. Map shapes ("entry.N.key/value") stay
 * as arrays of {key, value}; handlers that accept maps convert them.
 */
function decodeQuery(body) {
    const params = new URLSearchParams(body);
    const input = {};
    let action = '';
    let version = '';
    for (const [key, value] of params) {
        if (key === 'Action')
            action = value;
        else if (key === 'Version')
            version = value;
        else
            setPath(input, key.split('.'), value);
    }
    return { action, version, input: compact(input) };
}
function setPath(root, parts, value) {
    let node = root;
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        const last = i === parts.length - 1;
        if ((part === 'member' || part === 'entry') && i + 1 < parts.length && /^\d+$/.test(parts[i + 1])) {
            continue; // the list marker: the index follows
        }
        const isIndex = /^\d+$/.test(part) && i > 0 && (parts[i - 1] === 'member' || parts[i - 1] === 'entry');
        const key = isIndex ? Number(part) - 1 : part;
        if (last) {
            node[key] = value;
            return;
        }
        const nextIsList = parts[i + 1] === 'member' || parts[i + 1] === 'entry';
        const container = node;
        if (container[key] === undefined || typeof container[key] !== 'object') {
            container[key] = nextIsList ? [] : {};
        }
        node = container[key];
    }
}
/** Drops holes left by sparse indexes. */
function compact(v) {
    if (Array.isArray(v))
        return v.filter((x) => x !== undefined).map(compact);
    if (v && typeof v === 'object') {
        const out = {};
        for (const [k, x] of Object.entries(v))
            out[k] = compact(x);
        return out;
    }
    return v;
}
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
function toXml(value) {
    if (value === undefined || value === null)
        return '';
    if (value instanceof Date)
        return value.toISOString();
    if (Array.isArray(value))
        return value.map((m) => `<member>${toXml(m)}</member>`).join('');
    if (typeof value === 'object') {
        let out = '';
        for (const [k, v] of Object.entries(value)) {
            if (v === undefined || v === null)
                continue;
            out += `<${k}>${toXml(v)}</${k}>`;
        }
        return out;
    }
    return esc(String(value));
}
function queryResponse(operation, xmlns, result, requestId) {
    return (`<${operation}Response xmlns="${xmlns}"><${operation}Result>${toXml(result)}</${operation}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`);
}
function queryError(code, message, requestId, status) {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    return (`<ErrorResponse><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message>` +
        `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
}

;// CONCATENATED MODULE: ./emulator/src/throttle.ts
const ECS_DESCRIBE = { burst: 100, rate: 20 };
const ECS_MUTATE = { burst: 50, rate: 5 };
/** Defaults per service, then per "service.Operation" overrides. */
const DEFAULT_RATES = {
    ecs: ECS_DESCRIBE,
    'ecs.RegisterTaskDefinition': { burst: 20, rate: 1 },
    'ecs.DeregisterTaskDefinition': { burst: 20, rate: 1 },
    'ecs.CreateService': ECS_MUTATE,
    'ecs.UpdateService': ECS_MUTATE,
    'ecs.DeleteService': ECS_MUTATE,
    'ecs.RunTask': { burst: 100, rate: 40 },
    'ecs.StopTask': { burst: 100, rate: 40 },
    ecr: { burst: 200, rate: 100 },
    'ecr.PutImage': { burst: 10, rate: 10 },
    'ecr.CreateRepository': { burst: 10, rate: 10 },
    elbv2: { burst: 40, rate: 10 },
    sts: { burst: 600, rate: 600 },
    codedeploy: { burst: 50, rate: 10 },
    logs: { burst: 25, rate: 25 },
    'logs.FilterLogEvents': { burst: 5, rate: 5 },
    'logs.DescribeLogGroups': { burst: 5, rate: 5 },
    'logs.CreateLogGroup': { burst: 5, rate: 5 },
};
/** The wire code each service uses for "Rate exceeded". */
const THROTTLE_CODE = {
    ecs: 'ThrottlingException',
    ecr: 'ThrottlingException',
    codedeploy: 'ThrottlingException',
    logs: 'ThrottlingException',
    elbv2: 'Throttling',
    sts: 'Throttling',
};
class Throttler {
    enabled;
    wallNow;
    buckets = new Map();
    rates;
    constructor(enabled = true, overrides = {}, wallNow = () => performance.now()) {
        this.enabled = enabled;
        this.wallNow = wallNow;
        this.rates = { ...DEFAULT_RATES, ...overrides };
    }
    rateFor(service, operation) {
        return this.rates[`${service}.${operation}`] ?? this.rates[service] ?? { burst: 100, rate: 50 };
    }
    /** Takes a token; false means the call is throttled. */
    take(service, operation) {
        if (!this.enabled)
            return true;
        const key = `${service}.${operation}`;
        const now = this.wallNow();
        let b = this.buckets.get(key);
        if (!b) {
            const rate = this.rateFor(service, operation);
            b = { tokens: rate.burst, last: now, rate };
            this.buckets.set(key, b);
        }
        b.tokens = Math.min(b.rate.burst, b.tokens + ((now - b.last) / 1000) * b.rate.rate);
        b.last = now;
        if (b.tokens < 1)
            return false;
        b.tokens -= 1;
        return true;
    }
    configure(opts) {
        if (opts.enabled !== undefined)
            this.enabled = opts.enabled;
        if (opts.rates) {
            for (const [k, v] of Object.entries(opts.rates)) {
                if (!(v.burst >= 1) || !(v.rate > 0))
                    throw new Error(`rate for ${k} needs burst >= 1 and rate > 0`);
                this.rates[k] = { burst: v.burst, rate: v.rate };
            }
        }
        this.buckets.clear();
    }
    describe() {
        return { enabled: this.enabled, rates: { ...this.rates } };
    }
    /** Refills every bucket (reset). */
    refill() {
        this.buckets.clear();
    }
}

;// CONCATENATED MODULE: ./emulator/src/types.ts
/** A modeled AWS error. The server encodes it in the service's wire shape (JSON __type or query XML). */
class AwsError extends Error {
    code;
    status;
    constructor(
    /** The wire error code, e.g. "ServiceNotFoundException", or "TargetGroupNotFound" for ELBv2. */
    code, message, status = 400) {
        super(message);
        this.code = code;
        this.status = status;
    }
}

;// CONCATENATED MODULE: ./emulator/src/server.ts
// The HTTP front: control API under /_cendence/, raw module routes (the ECR registry), then the AWS
// APIs. Decodes the wire protocol, records the call, applies injected faults and throttling, calls the
// service handler and encodes its answer or error in the service's own shape.






function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}
/** The access key id from a SigV4 Authorization header (signatures are not verified). */
function accessKeyIdOf(req) {
    const auth = req.headers.authorization;
    const m = auth ? /Credential=([^/,\s]+)\//.exec(auth) : null;
    return m?.[1];
}
function send(res, status, body, contentType, requestId) {
    const headers = {
        'content-type': contentType,
        'content-length': Buffer.byteLength(body),
    };
    if (requestId)
        headers['x-amzn-requestid'] = requestId;
    res.writeHead(status, headers);
    res.end(body);
}
function createHandler(deps) {
    const handlers = new Map(deps.modules.map((m) => [m.service, m.handlers]));
    const rawRoutes = deps.modules.flatMap((m) => m.rawRoutes ?? []);
    return async function handle(req, res) {
        const world = deps.world();
        const url = new URL(req.url ?? '/', `http://${world.host}`);
        const ctx = {
            clock: world.clock,
            region: world.region,
            accountId: world.accountId,
            host: world.host,
            accessKeyId: accessKeyIdOf(req),
            world,
            calls: deps.calls,
            faults: deps.faults,
        };
        if (url.pathname.startsWith('/_cendence/')) {
            await deps.control(req, res, url, await readBody(req));
            return;
        }
        for (const route of rawRoutes) {
            if (await route(req, res, url, ctx))
                return;
        }
        if (req.method !== 'POST' || url.pathname !== '/') {
            send(res, 404, JSON.stringify({
                __type: 'UnknownOperationException',
                message: `No route for ${req.method} ${url.pathname}`,
            }), 'application/json');
            return;
        }
        const body = await readBody(req);
        const requestId = (0,external_node_crypto_.randomUUID)();
        const target = req.headers['x-amz-target'];
        let decoded;
        if (typeof target === 'string') {
            const t = parseTarget(target);
            if (!t.service) {
                send(res, 400, jsonError('UnknownOperationException', `Unknown target ${target}`), 'application/x-amz-json-1.1', requestId);
                return;
            }
            let input;
            try {
                input = body.trim() === '' ? {} : JSON.parse(body);
            }
            catch {
                send(res, 400, jsonError('SerializationException', 'Request body is not valid JSON'), 'application/x-amz-json-1.1', requestId);
                return;
            }
            decoded = { service: t.service, operation: t.operation, input, protocol: 'json' };
        }
        else {
            const q = decodeQuery(body);
            const v = QUERY_VERSIONS[q.version];
            if (!v) {
                send(res, 400, queryError('InvalidAction', `Unknown API version "${q.version}" for action "${q.action}"`, requestId, 400), 'text/xml', requestId);
                return;
            }
            decoded = {
                service: v.service,
                operation: q.action,
                input: q.input,
                protocol: 'query',
                xmlns: v.xmlns,
            };
        }
        await dispatch(deps, handlers, decoded, ctx, req, res, requestId);
    };
}
async function dispatch(deps, handlers, call, ctx, req, res, requestId) {
    const { service, operation, protocol } = call;
    const time = new Date(ctx.clock.now()).toISOString();
    const wallMs = Date.now();
    const record = (error) => deps.calls.record({ service, operation, time, wallMs, error, accessKeyId: ctx.accessKeyId });
    const fail = (code, message, status) => {
        record(code);
        if (protocol === 'json') {
            res.setHeader('x-amzn-errortype', code);
            send(res, status, jsonError(code, message), 'application/x-amz-json-1.1', requestId);
        }
        else
            send(res, status, queryError(code, message, requestId, status), 'text/xml', requestId);
    };
    const handler = handlers.get(service)?.[operation];
    if (!handler) {
        if (protocol === 'json')
            fail('UnknownOperationException', `Operation ${operation} is not supported by this ${service} endpoint.`, 400);
        else
            fail('InvalidAction', `Could not find operation ${operation} for version ${call.xmlns?.match(/\d{4}-\d\d-\d\d/)?.[0]}`, 400);
        return;
    }
    const fault = deps.faults.take(service, operation);
    if (fault?.latencyMs)
        await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.drop) {
        record('ConnectionDropped');
        req.socket.destroy();
        return;
    }
    if (fault?.error) {
        const w = faultWire(fault.error, service);
        fail(w.code, w.code === 'InternalFailure'
            ? 'An internal error occurred (injected fault).'
            : w.status === 503
                ? 'Service Unavailable (injected fault).'
                : 'Rate exceeded', w.status);
        return;
    }
    if (!deps.throttler.take(service, operation)) {
        fail(THROTTLE_CODE[service], 'Rate exceeded', 400);
        return;
    }
    try {
        const result = await handler(call.input, ctx);
        record();
        if (protocol === 'json')
            send(res, 200, encodeJson(result), 'application/x-amz-json-1.1', requestId);
        else
            send(res, 200, queryResponse(operation, call.xmlns, result, requestId), 'text/xml', requestId);
    }
    catch (err) {
        if (err instanceof AwsError) {
            fail(err.code, err.message, err.status);
            return;
        }
        process.stderr.write(`emulator: ${service}.${operation} failed: ${err.stack ?? err}\n`);
        fail('InternalFailure', `The emulator failed to handle ${operation}: ${err.message}`, 500);
    }
}

;// CONCATENATED MODULE: ./emulator/src/control/routes.ts

const json = (res, status, value) => send(res, status, `${JSON.stringify(value, null, 1)}\n`, 'application/json');
function parse(body) {
    if (body.trim() === '')
        return {};
    return JSON.parse(body);
}
function controlRoutes(emu) {
    return async function control(req, res, url, body) {
        const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
        try {
            const input = parse(body);
            switch (route) {
                case 'GET /_cendence/health':
                    return json(res, 200, { ok: true });
                case 'POST /_cendence/reset':
                    await emu.reset();
                    return json(res, 200, { ok: true });
                case 'GET /_cendence/calls': {
                    const q = url.searchParams;
                    const mutates = q.get('mutates');
                    return json(res, 200, emu.calls.list({
                        service: q.get('service') ?? undefined,
                        operation: q.get('operation') ?? undefined,
                        mutates: mutates === null ? undefined : mutates === 'true',
                        since: q.get('since') === null ? undefined : Number(q.get('since')),
                    }));
                }
                case 'DELETE /_cendence/calls':
                    emu.calls.clear();
                    return json(res, 200, { ok: true });
                case 'POST /_cendence/faults': {
                    const specs = (Array.isArray(input) ? input : [input]);
                    return json(res, 200, specs.map((s) => emu.faults.add(s)));
                }
                case 'GET /_cendence/faults':
                    return json(res, 200, emu.faults.list());
                case 'DELETE /_cendence/faults':
                    emu.faults.clear();
                    return json(res, 200, { ok: true });
                case 'POST /_cendence/behaviors': {
                    const specs = (Array.isArray(input) ? input : [input]);
                    return json(res, 200, specs.map((s) => emu.world().behaviors.add(s)));
                }
                case 'GET /_cendence/behaviors':
                    return json(res, 200, emu.world().behaviors.list());
                case 'DELETE /_cendence/behaviors':
                    emu.world().behaviors.clear();
                    return json(res, 200, { ok: true });
                case 'GET /_cendence/clock':
                    return json(res, 200, clockInfo(emu));
                case 'POST /_cendence/clock/advance': {
                    const seconds = Number(input.seconds);
                    if (!(seconds >= 0))
                        return json(res, 400, { error: '"seconds" must be a number >= 0' });
                    if (emu.clock.mode !== 'virtual')
                        return json(res, 400, {
                            error: 'the clock is real: start the emulator with --clock virtual to advance it',
                        });
                    await emu.clock.advance(seconds);
                    return json(res, 200, clockInfo(emu));
                }
                case 'GET /_cendence/state':
                    return json(res, 200, emu.world().snapshot());
                case 'GET /_cendence/throttling':
                    return json(res, 200, emu.throttler.describe());
                case 'POST /_cendence/throttling':
                    emu.throttler.configure(input);
                    return json(res, 200, emu.throttler.describe());
                case 'POST /_cendence/world':
                    await emu.seed(input);
                    return json(res, 200, { ok: true });
                default:
                    return json(res, 404, { error: `no control route ${route}`, routes: ROUTES });
            }
        }
        catch (err) {
            return json(res, 400, { error: err.message });
        }
    };
}
function clockInfo(emu) {
    const now = emu.clock.now();
    return { mode: emu.clock.mode, speed: emu.clock.speed, now, iso: new Date(now).toISOString() };
}
const ROUTES = [
    'GET /_cendence/health',
    'POST /_cendence/reset',
    'GET|DELETE /_cendence/calls',
    'GET|POST|DELETE /_cendence/faults',
    'GET|POST|DELETE /_cendence/behaviors',
    'GET /_cendence/clock',
    'POST /_cendence/clock/advance',
    'GET /_cendence/state',
    'GET|POST /_cendence/throttling',
    'POST /_cendence/world',
];

;// CONCATENATED MODULE: ./emulator/src/context.ts
/** The World (all per-emulator state) behind a handler or raw-route context. */
function worldOf(ctx) {
    const world = ctx?.world;
    if (!world)
        throw new Error('handler context carries no emulator world');
    return world;
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
;// CONCATENATED MODULE: ./emulator/src/codedeploy/appspec.ts
// The AppSpec of an ECS deployment (YAML or JSON): which task definition replaces the service's, and
// which container and port the load balancer sends traffic to. parseAppSpec checks the document's
// shape (CreateDeployment refuses a malformed one); whether the task definition, container and port
// exist is checked when the deployment runs, where CodeDeploy reports it as ECS_UPDATE_ERROR.


const ECS_HOOKS = [
    'BeforeInstall',
    'AfterInstall',
    'AfterAllowTestTraffic',
    'BeforeAllowTraffic',
    'AfterAllowTraffic',
];
class AppSpecError extends Error {
}
function sha256Hex(content) {
    return (0,external_node_crypto_.createHash)('sha256').update(content).digest('hex');
}
function parseAppSpec(content) {
    let doc;
    try {
        doc = content.trimStart().startsWith('{') ? JSON.parse(content) : (0,dist/* parse */.qg)(content);
    }
    catch (e) {
        throw new AppSpecError(`The AppSpec content is not valid JSON or YAML: ${e.message.split('\n')[0]}`);
    }
    const spec = doc;
    if (!spec || typeof spec !== 'object')
        throw new AppSpecError('The AppSpec content must be a JSON or YAML object.');
    if (!Array.isArray(spec.Resources) || spec.Resources.length !== 1) {
        throw new AppSpecError('The AppSpec file must list exactly one resource under Resources for an ECS deployment.');
    }
    const [entry] = spec.Resources;
    const [resourceName] = Object.keys(entry ?? {});
    const resource = entry?.[resourceName];
    if (resource?.Type !== 'AWS::ECS::Service') {
        throw new AppSpecError(`The AppSpec resource '${resourceName ?? ''}' must have Type AWS::ECS::Service.`);
    }
    const props = resource.Properties ?? {};
    const taskDefinition = props.TaskDefinition;
    if (typeof taskDefinition !== 'string' || taskDefinition === '') {
        throw new AppSpecError('The AppSpec resource needs Properties.TaskDefinition (a task definition ARN).');
    }
    const lb = props.LoadBalancerInfo;
    const containerPort = Number(lb?.ContainerPort);
    if (typeof lb?.ContainerName !== 'string' || !Number.isInteger(containerPort) || containerPort < 1) {
        throw new AppSpecError('The AppSpec resource needs Properties.LoadBalancerInfo.ContainerName and ContainerPort.');
    }
    const hooks = [];
    if (spec.Hooks !== undefined) {
        if (!Array.isArray(spec.Hooks))
            throw new AppSpecError('Hooks must be a list.');
        for (const h of spec.Hooks) {
            for (const [event, fn] of Object.entries(h ?? {})) {
                if (!ECS_HOOKS.includes(event)) {
                    throw new AppSpecError(`The lifecycle event '${event}' is not valid for ECS; use one of ${ECS_HOOKS.join(', ')}.`);
                }
                hooks.push({ event, function: String(fn) });
            }
        }
    }
    const net = props.NetworkConfiguration;
    return {
        taskDefinition,
        containerName: lb.ContainerName,
        containerPort,
        platformVersion: typeof props.PlatformVersion === 'string' ? props.PlatformVersion : undefined,
        networkConfiguration: net?.AwsvpcConfiguration
            ? { awsvpcConfiguration: lowerKeys(net.AwsvpcConfiguration) }
            : undefined,
        capacityProviderStrategy: Array.isArray(props.CapacityProviderStrategy)
            ? props.CapacityProviderStrategy.map(lowerKeys)
            : undefined,
        hooks,
    };
}
/** AppSpec uses PascalCase keys; the ECS API camelCase. */
function lowerKeys(o) {
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), v]));
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/configs.ts
// CodeDeploy deployment configs for the ECS compute platform: the predefined CodeDeployDefault.ECS*
// ones, custom TimeBasedCanary/TimeBasedLinear configs, and the traffic plan a config implies (which
// share of production traffic the replacement task set gets, and when).
const canary = (canaryPercentage, canaryInterval) => ({
    type: 'TimeBasedCanary',
    timeBasedCanary: { canaryPercentage, canaryInterval },
});
const linear = (linearPercentage, linearInterval) => ({
    type: 'TimeBasedLinear',
    timeBasedLinear: { linearPercentage, linearInterval },
});
/** The predefined ECS configs (interval in minutes), as CodeDeploy ships them. */
const PREDEFINED = {
    'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce' },
    'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': linear(10, 1),
    'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': linear(10, 3),
    'CodeDeployDefault.ECSCanary10Percent5Minutes': canary(10, 5),
    'CodeDeployDefault.ECSCanary10Percent15Minutes': canary(10, 15),
};
const DEFAULT_CONFIG = 'CodeDeployDefault.ECSAllAtOnce';
/** Validates a custom config's routing; returns an error message, or undefined when valid. */
function routingProblem(r) {
    if (!r)
        return 'trafficRoutingConfig is required for the ECS compute platform.';
    const pct = (p) => Number.isInteger(p) && p >= 1 && p <= 99;
    const mins = (m) => Number.isInteger(m) && m >= 1 && m <= 2880;
    switch (r.type) {
        case 'AllAtOnce':
            return undefined;
        case 'TimeBasedCanary':
            return pct(r.timeBasedCanary?.canaryPercentage) && mins(r.timeBasedCanary?.canaryInterval)
                ? undefined
                : 'timeBasedCanary needs canaryPercentage 1-99 and canaryInterval 1-2880 minutes.';
        case 'TimeBasedLinear':
            return pct(r.timeBasedLinear?.linearPercentage) && mins(r.timeBasedLinear?.linearInterval)
                ? undefined
                : 'timeBasedLinear needs linearPercentage 1-99 and linearInterval 1-2880 minutes.';
        default:
            return `Unknown traffic routing type '${String(r.type)}'.`;
    }
}
/**
 * The traffic steps of a config: at `afterMs` from the start of the shift the replacement gets
 * `percent`. The first step is immediate and the last one is always 100.
 */
function trafficPlan(r) {
    const minute = 60_000;
    if (r.type === 'TimeBasedCanary' && r.timeBasedCanary) {
        const { canaryPercentage, canaryInterval } = r.timeBasedCanary;
        return [
            { afterMs: 0, percent: canaryPercentage },
            { afterMs: canaryInterval * minute, percent: 100 },
        ];
    }
    if (r.type === 'TimeBasedLinear' && r.timeBasedLinear) {
        const { linearPercentage, linearInterval } = r.timeBasedLinear;
        const steps = [];
        for (let i = 0;; i++) {
            const percent = Math.min(100, linearPercentage * (i + 1));
            steps.push({ afterMs: i * linearInterval * minute, percent });
            if (percent === 100)
                return steps;
        }
    }
    return [{ afterMs: 0, percent: 100 }];
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/store.ts
// CodeDeploy's state in one emulator world: applications, deployment groups, custom deployment
// configs and deployments. The deployment lifecycle (traffic shifting over the clock, failure,
// rollback) lives in engine.ts; this file only holds the records and looks them up.

const TERMINAL = ['Succeeded', 'Failed', 'Stopped'];
class CodeDeployStore {
    applications = new Map();
    groups = new Map();
    configs = new Map();
    deployments = new Map();
    application(name) {
        if (typeof name !== 'string' || name === '') {
            throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
        }
        const app = this.applications.get(name);
        if (!app)
            throw new AwsError('ApplicationDoesNotExistException', `No application found for name: ${name}`);
        return app;
    }
    group(applicationName, groupName) {
        const app = this.application(applicationName);
        if (typeof groupName !== 'string' || groupName === '') {
            throw new AwsError('DeploymentGroupNameRequiredException', 'Deployment Group name is missing');
        }
        const g = this.groups.get(`${app.applicationName}/${groupName}`);
        if (!g) {
            throw new AwsError('DeploymentGroupDoesNotExistException', `No Deployment Group found for name: ${groupName}`);
        }
        return g;
    }
    deployment(id) {
        if (typeof id !== 'string' || id === '') {
            throw new AwsError('DeploymentIdRequiredException', 'At least one deployment ID must be specified.');
        }
        if (!/^d-[A-Z0-9]{9}$/.test(id))
            throw new AwsError('InvalidDeploymentIdException', `Specified DeploymentId is not in the valid format: ${id}`);
        const d = this.deployments.get(id);
        if (!d)
            throw new AwsError('DeploymentDoesNotExistException', `The deployment ${id} could not be found.`);
        return d;
    }
    /** The group's deployment that has not finished, if any (CodeDeploy allows one at a time). */
    activeDeployment(g) {
        for (const d of this.deployments.values()) {
            if (d.applicationName === g.applicationName &&
                d.deploymentGroupName === g.deploymentGroupName &&
                !TERMINAL.includes(d.status)) {
                return d;
            }
        }
        return undefined;
    }
    snapshot() {
        return {
            applications: [...this.applications.keys()],
            deploymentGroups: [...this.groups.keys()],
            deployments: [...this.deployments.values()].map((d) => ({
                id: d.deploymentId,
                group: `${d.applicationName}/${d.deploymentGroupName}`,
                status: d.status,
                phase: d.phase,
                greenPercent: d.greenPercent,
                error: d.errorInformation?.code,
            })),
        };
    }
}
const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function deploymentId() {
    let s = 'd-';
    for (let i = 0; i < 9; i++)
        s += ALPHANUM[Math.floor(Math.random() * ALPHANUM.length)];
    return s;
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/api.ts
// The CodeDeploy API (awsJson1_1, target prefix CodeDeploy_20141006) for the ECS compute platform:
// applications, deployment groups, deployment configs, deployments from AppSpec content, and the
// ECS deployment target view (task sets, traffic weights, lifecycle events). Validation and shapes
// live here; the deployment lifecycle is the engine's.





const seconds = (ms) => (ms === undefined ? undefined : ms / 1000);
const NAME_RE = /^[\w.+@-]{1,100}$/;
const ROLLBACK_EVENTS = ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'];
function uuid() {
    return crypto.randomUUID();
}
function createCodeDeployApi(partsOf) {
    const configOf = (store, name) => {
        const routing = PREDEFINED[name] ?? store.configs.get(name)?.trafficRoutingConfig;
        if (!routing) {
            throw new AwsError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
        }
        return routing;
    };
    const autoRollbackOf = (input) => {
        if (input === undefined)
            return undefined;
        const events = input.events ?? [];
        if (events.some((e) => !ROLLBACK_EVENTS.includes(e))) {
            throw new AwsError('InvalidAutoRollbackConfigException', `Auto rollback events must be among ${ROLLBACK_EVENTS.join(', ')}.`);
        }
        if (input.enabled === true && events.length === 0) {
            throw new AwsError('InvalidAutoRollbackConfigException', 'Auto rollback is enabled but no events are specified.');
        }
        return { enabled: input.enabled === true, events };
    };
    const groupShape = (store, g) => {
        const summary = (id) => {
            const d = id ? store.deployments.get(id) : undefined;
            return (d && {
                deploymentId: d.deploymentId,
                status: d.status,
                endTime: seconds(d.completeTime),
                createTime: seconds(d.createTime),
            });
        };
        return {
            applicationName: g.applicationName,
            deploymentGroupId: g.deploymentGroupId,
            deploymentGroupName: g.deploymentGroupName,
            deploymentConfigName: g.deploymentConfigName,
            serviceRoleArn: g.serviceRoleArn,
            computePlatform: 'ECS',
            ecsServices: [g.ecsService],
            loadBalancerInfo: { targetGroupPairInfoList: [g.targetGroupPair] },
            blueGreenDeploymentConfiguration: g.blueGreen,
            deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
            autoRollbackConfiguration: g.autoRollback,
            ...(g.alarmConfiguration !== undefined && { alarmConfiguration: g.alarmConfiguration }),
            ...(g.lastSuccessfulDeployment && { lastSuccessfulDeployment: summary(g.lastSuccessfulDeployment) }),
            ...(g.lastAttemptedDeployment && { lastAttemptedDeployment: summary(g.lastAttemptedDeployment) }),
        };
    };
    const deploymentShape = (store, d) => {
        const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`);
        const overview = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
        if (d.status === 'Created' || d.status === 'Queued')
            overview.Pending = 1;
        else if (d.status === 'Ready')
            overview.Ready = 1;
        else if (d.status === 'Succeeded')
            overview.Succeeded = 1;
        else if (d.status === 'Failed' || d.status === 'Stopped')
            overview.Failed = 1;
        else
            overview.InProgress = 1;
        return {
            applicationName: d.applicationName,
            deploymentGroupName: d.deploymentGroupName,
            deploymentConfigName: d.deploymentConfigName,
            deploymentId: d.deploymentId,
            revision: d.revision,
            status: d.status,
            ...(d.errorInformation && { errorInformation: d.errorInformation }),
            createTime: seconds(d.createTime),
            ...(d.startTime !== undefined && { startTime: seconds(d.startTime) }),
            ...(d.completeTime !== undefined && { completeTime: seconds(d.completeTime) }),
            deploymentOverview: overview,
            ...(d.description && { description: d.description }),
            creator: d.creator,
            ignoreApplicationStopFailures: false,
            autoRollbackConfiguration: d.autoRollback,
            updateOutdatedInstancesOnly: false,
            ...(d.rollbackInfo && { rollbackInfo: d.rollbackInfo }),
            deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
            blueGreenDeploymentConfiguration: g.blueGreen,
            loadBalancerInfo: { targetGroupPairInfoList: [g.targetGroupPair] },
            instanceTerminationWaitTimeStarted: d.phase === 'terminationWait' || (d.status === 'Succeeded' && d.creator === 'user'),
            deploymentStatusMessages: [],
            computePlatform: 'ECS',
        };
    };
    return {
        CreateApplication(input, ctx) {
            const { store } = partsOf(ctx);
            const name = input.applicationName;
            if (typeof name !== 'string' || name === '') {
                throw new AwsError('ApplicationNameRequiredException', 'The minimum number of required application names was not specified.');
            }
            if (!NAME_RE.test(name))
                throw new AwsError('InvalidApplicationNameException', `The application name ${name} is invalid.`);
            const platform = input.computePlatform ?? 'Server';
            if (!['ECS', 'Server', 'Lambda'].includes(platform)) {
                throw new AwsError('InvalidComputePlatformException', `The computePlatform ${platform} is invalid.`);
            }
            if (store.applications.has(name)) {
                throw new AwsError('ApplicationAlreadyExistsException', `The application ${name} already exists with the IAM user or AWS account.`);
            }
            const app = {
                applicationId: uuid(),
                applicationName: name,
                computePlatform: platform,
                createTime: ctx.clock.now(),
            };
            store.applications.set(name, app);
            return { applicationId: app.applicationId };
        },
        GetApplication(input, ctx) {
            const app = partsOf(ctx).store.application(input.applicationName);
            return {
                application: {
                    applicationId: app.applicationId,
                    applicationName: app.applicationName,
                    createTime: seconds(app.createTime),
                    linkedToGitHub: false,
                    computePlatform: app.computePlatform,
                },
            };
        },
        ListApplications(_input, ctx) {
            return { applications: [...partsOf(ctx).store.applications.keys()] };
        },
        CreateDeploymentGroup(input, ctx) {
            const { store } = partsOf(ctx);
            const app = store.application(input.applicationName);
            const name = input.deploymentGroupName;
            if (typeof name !== 'string' || name === '') {
                throw new AwsError('DeploymentGroupNameRequiredException', 'Deployment Group name is missing');
            }
            if (!NAME_RE.test(name))
                throw new AwsError('InvalidDeploymentGroupNameException', `The deployment group name ${name} is invalid.`);
            if (store.groups.has(`${app.applicationName}/${name}`)) {
                throw new AwsError('DeploymentGroupAlreadyExistsException', `The deployment group ${name} already exists for application ${app.applicationName}.`);
            }
            if (typeof input.serviceRoleArn !== 'string' || input.serviceRoleArn === '') {
                throw new AwsError('RoleRequiredException', 'Role ARN is required for the deployment group.');
            }
            if (!/^arn:aws[\w-]*:iam::\d{12}:role\//.test(input.serviceRoleArn)) {
                throw new AwsError('InvalidRoleException', `The service role ${input.serviceRoleArn} is not a valid role ARN.`);
            }
            if (app.computePlatform !== 'ECS') {
                throw new AwsError('InvalidComputePlatformException', `Application ${app.applicationName} does not use the ECS compute platform; the emulator models ECS deployments only.`);
            }
            const configName = input.deploymentConfigName ?? DEFAULT_CONFIG;
            configOf(store, configName);
            const style = input.deploymentStyle;
            if (style?.deploymentType !== 'BLUE_GREEN' || style?.deploymentOption !== 'WITH_TRAFFIC_CONTROL') {
                throw new AwsError('InvalidDeploymentStyleException', 'ECS deployment groups need deploymentStyle BLUE_GREEN with WITH_TRAFFIC_CONTROL.');
            }
            const services = input.ecsServices;
            if (!Array.isArray(services) ||
                services.length !== 1 ||
                !services[0]?.clusterName ||
                !services[0]?.serviceName) {
                throw new AwsError('InvalidECSServiceException', 'Exactly one ECS service {clusterName, serviceName} is required.');
            }
            const { clusterName, serviceName } = services[0];
            const world = worldOf(ctx);
            const cluster = world.ecs.findCluster(clusterName);
            const service = cluster && world.ecs.findService(cluster, serviceName);
            if (service?.status !== 'ACTIVE') {
                throw new AwsError('InvalidECSServiceException', `The ECS service ${serviceName} in cluster ${clusterName} could not be found.`);
            }
            if (service.deploymentController.type !== 'CODE_DEPLOY') {
                throw new AwsError('InvalidECSServiceException', "Deployment group's ECS service must be configured for a CODE_DEPLOY deployment controller.");
            }
            for (const g of store.groups.values()) {
                if (g.ecsService.clusterName === clusterName && g.ecsService.serviceName === serviceName) {
                    throw new AwsError('ECSServiceMappingLimitExceededException', `The ECS service ${clusterName}:${serviceName} is already in deployment group ${g.deploymentGroupName}.`);
                }
            }
            const pairs = input.loadBalancerInfo?.targetGroupPairInfoList;
            const pair = Array.isArray(pairs) && pairs.length === 1 ? pairs[0] : undefined;
            if (!pair || !Array.isArray(pair.targetGroups) || pair.targetGroups.length !== 2) {
                throw new AwsError('InvalidTargetGroupPairException', 'targetGroupPairInfoList needs one entry with exactly two target groups.');
            }
            const tgNames = new Set([...world.elbv2.targetGroups.values()].map((t) => t.TargetGroupName));
            const missingTg = pair.targetGroups.find((t) => !t?.name || !tgNames.has(t.name));
            if (missingTg)
                throw new AwsError('InvalidTargetGroupPairException', `Target group ${missingTg.name} could not be found.`);
            const prod = pair.prodTrafficRoute?.listenerArns ?? [];
            const test = pair.testTrafficRoute?.listenerArns ?? [];
            if (prod.length !== 1 || test.length > 1) {
                throw new AwsError('InvalidTargetGroupPairException', 'prodTrafficRoute needs exactly one listener ARN, testTrafficRoute at most one.');
            }
            for (const l of [...prod, ...test]) {
                if (!world.elbv2.listeners.has(l))
                    throw new AwsError('InvalidLoadBalancerInfoException', `Listener ${l} could not be found.`);
            }
            const bg = input.blueGreenDeploymentConfiguration ?? {};
            const ready = bg.deploymentReadyOption;
            if (ready?.actionOnTimeout !== undefined &&
                !['CONTINUE_DEPLOYMENT', 'STOP_DEPLOYMENT'].includes(ready.actionOnTimeout)) {
                throw new AwsError('InvalidBlueGreenDeploymentConfigurationException', `actionOnTimeout ${ready.actionOnTimeout} is invalid.`);
            }
            const wait = bg.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes;
            if (wait !== undefined && !(Number.isInteger(wait) && wait >= 0 && wait <= 2880)) {
                throw new AwsError('InvalidBlueGreenDeploymentConfigurationException', 'terminationWaitTimeInMinutes must be 0-2880.');
            }
            const g = {
                applicationName: app.applicationName,
                deploymentGroupId: uuid(),
                deploymentGroupName: name,
                deploymentConfigName: configName,
                serviceRoleArn: input.serviceRoleArn,
                ecsService: { clusterName, serviceName },
                targetGroupPair: {
                    targetGroups: pair.targetGroups.map((t) => ({ name: t.name })),
                    prodTrafficRoute: { listenerArns: prod },
                    ...(test.length > 0 && { testTrafficRoute: { listenerArns: test } }),
                },
                blueGreen: bg,
                autoRollback: autoRollbackOf(input.autoRollbackConfiguration) ?? { enabled: false, events: [] },
                alarmConfiguration: input.alarmConfiguration,
            };
            store.groups.set(`${app.applicationName}/${name}`, g);
            return { deploymentGroupId: g.deploymentGroupId };
        },
        GetDeploymentGroup(input, ctx) {
            const { store } = partsOf(ctx);
            return {
                deploymentGroupInfo: groupShape(store, store.group(input.applicationName, input.deploymentGroupName)),
            };
        },
        ListDeploymentGroups(input, ctx) {
            const { store } = partsOf(ctx);
            const app = store.application(input.applicationName);
            const deploymentGroups = [...store.groups.values()]
                .filter((g) => g.applicationName === app.applicationName)
                .map((g) => g.deploymentGroupName);
            return { applicationName: app.applicationName, deploymentGroups };
        },
        CreateDeploymentConfig(input, ctx) {
            const { store } = partsOf(ctx);
            const name = input.deploymentConfigName;
            if (typeof name !== 'string' || name === '') {
                throw new AwsError('DeploymentConfigNameRequiredException', 'Deployment config name is missing.');
            }
            if (PREDEFINED[name] || store.configs.has(name)) {
                throw new AwsError('DeploymentConfigAlreadyExistsException', `The deployment config ${name} already exists.`);
            }
            if ((input.computePlatform ?? 'Server') !== 'ECS') {
                throw new AwsError('InvalidComputePlatformException', 'The emulator models deployment configs for the ECS compute platform only.');
            }
            const problem = routingProblem(input.trafficRoutingConfig);
            if (problem)
                throw new AwsError('InvalidTrafficRoutingConfigurationException', problem);
            const config = {
                deploymentConfigId: uuid(),
                deploymentConfigName: name,
                computePlatform: 'ECS',
                trafficRoutingConfig: input.trafficRoutingConfig,
                createTime: ctx.clock.now(),
            };
            store.configs.set(name, config);
            return { deploymentConfigId: config.deploymentConfigId };
        },
        GetDeploymentConfig(input, ctx) {
            const { store } = partsOf(ctx);
            const name = input.deploymentConfigName;
            const routing = configOf(store, name);
            const custom = store.configs.get(name);
            return {
                deploymentConfigInfo: {
                    deploymentConfigId: custom?.deploymentConfigId ?? name,
                    deploymentConfigName: name,
                    createTime: seconds(custom?.createTime ?? 0),
                    computePlatform: 'ECS',
                    trafficRoutingConfig: routing,
                },
            };
        },
        CreateDeployment(input, ctx) {
            const { store, engine } = partsOf(ctx);
            const g = store.group(input.applicationName, input.deploymentGroupName);
            const revision = input.revision;
            if (!revision)
                throw new AwsError('RevisionRequiredException', 'The revision ID was not specified.');
            if (revision.revisionType !== 'AppSpecContent' ||
                typeof revision.appSpecContent?.content !== 'string') {
                throw new AwsError('InvalidRevisionException', 'ECS deployments need revision {revisionType: AppSpecContent, appSpecContent: {content}}.');
            }
            const content = revision.appSpecContent.content;
            const sha256 = sha256Hex(content);
            if (revision.appSpecContent.sha256 !== undefined && revision.appSpecContent.sha256 !== sha256) {
                throw new AwsError('InvalidRevisionException', 'The sha256 of the AppSpec content does not match appSpecContent.sha256.');
            }
            let appSpec;
            try {
                appSpec = parseAppSpec(content);
            }
            catch (e) {
                if (e instanceof AppSpecError)
                    throw new AwsError('InvalidRevisionException', e.message);
                throw e;
            }
            const configName = input.deploymentConfigName ?? g.deploymentConfigName;
            const routing = configOf(store, configName);
            if (typeof input.description === 'string' && input.description.length > 1000) {
                throw new AwsError('DescriptionTooLongException', 'The description is too long.');
            }
            const active = store.activeDeployment(g);
            if (active) {
                throw new AwsError('DeploymentLimitExceededException', `The Deployment Group '${g.deploymentGroupName}' already has an active Deployment '${active.deploymentId}'`);
            }
            const d = engine.create(g, {
                applicationName: g.applicationName,
                deploymentGroupName: g.deploymentGroupName,
                deploymentConfigName: configName,
                routing,
                revision: { revisionType: 'AppSpecContent', appSpecContent: { content, sha256 } },
                appSpec,
                creator: 'user',
                description: input.description,
                autoRollback: autoRollbackOf(input.autoRollbackConfiguration) ?? g.autoRollback,
            });
            return { deploymentId: d.deploymentId };
        },
        GetDeployment(input, ctx) {
            const { store } = partsOf(ctx);
            return { deploymentInfo: deploymentShape(store, store.deployment(input.deploymentId)) };
        },
        BatchGetDeployments(input, ctx) {
            const { store } = partsOf(ctx);
            const ids = input.deploymentIds ?? [];
            if (ids.length > 25)
                throw new AwsError('BatchLimitExceededException', 'The maximum number of names or IDs allowed for this request (25) was exceeded.');
            return {
                deploymentsInfo: ids
                    .filter((id) => store.deployments.has(id))
                    .map((id) => deploymentShape(store, store.deployments.get(id))),
            };
        },
        ListDeployments(input, ctx) {
            const { store } = partsOf(ctx);
            const statuses = input.includeOnlyStatuses;
            if (input.applicationName !== undefined)
                store.application(input.applicationName);
            if (input.deploymentGroupName !== undefined)
                store.group(input.applicationName, input.deploymentGroupName);
            const deployments = [...store.deployments.values()]
                .filter((d) => input.applicationName === undefined || d.applicationName === input.applicationName)
                .filter((d) => input.deploymentGroupName === undefined || d.deploymentGroupName === input.deploymentGroupName)
                .filter((d) => !statuses || statuses.includes(d.status))
                .sort((a, b) => b.createTime - a.createTime)
                .map((d) => d.deploymentId);
            return { deployments };
        },
        ContinueDeployment(input, ctx) {
            const { store, engine } = partsOf(ctx);
            engine.continue(store.deployment(input.deploymentId), input.deploymentWaitType ?? 'READY_WAIT');
            return {};
        },
        StopDeployment(input, ctx) {
            const { store, engine } = partsOf(ctx);
            const d = store.deployment(input.deploymentId);
            const rollback = typeof input.autoRollbackEnabled === 'boolean'
                ? input.autoRollbackEnabled
                : d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_STOP_ON_REQUEST');
            return engine.stop(d, rollback);
        },
        ListDeploymentTargets(input, ctx) {
            const { store } = partsOf(ctx);
            const d = store.deployment(input.deploymentId);
            const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`);
            if (d.status === 'Created')
                throw new AwsError('DeploymentNotStartedException', `The deployment ${d.deploymentId} has not started.`);
            return { targetIds: [`${g.ecsService.clusterName}:${g.ecsService.serviceName}`] };
        },
        GetDeploymentTarget(input, ctx) {
            const { store, engine } = partsOf(ctx);
            const d = store.deployment(input.deploymentId);
            const g = store.groups.get(`${d.applicationName}/${d.deploymentGroupName}`);
            const targetId = `${g.ecsService.clusterName}:${g.ecsService.serviceName}`;
            if (d.status === 'Created')
                throw new AwsError('DeploymentNotStartedException', `The deployment ${d.deploymentId} has not started.`);
            if (input.targetId !== targetId) {
                throw new AwsError('DeploymentTargetDoesNotExistException', `The deployment target ${input.targetId} does not exist.`);
            }
            const world = worldOf(ctx);
            const status = d.status === 'Ready'
                ? 'Ready'
                : TERMINAL.includes(d.status)
                    ? d.status === 'Succeeded'
                        ? 'Succeeded'
                        : 'Failed'
                    : 'InProgress';
            return {
                deploymentTarget: {
                    deploymentTargetType: 'ECSTarget',
                    ecsTarget: {
                        deploymentId: d.deploymentId,
                        targetId,
                        targetArn: world.arn('ecs', `service/${g.ecsService.clusterName}/${g.ecsService.serviceName}`),
                        lastUpdatedAt: seconds(d.lastUpdatedAt),
                        lifecycleEvents: d.lifecycle.map((e) => ({
                            lifecycleEventName: e.lifecycleEventName,
                            status: e.status,
                            ...(e.startTime !== undefined && { startTime: seconds(e.startTime) }),
                            ...(e.endTime !== undefined && { endTime: seconds(e.endTime) }),
                        })),
                        status,
                        taskSetsInfo: engine.taskSetsInfo(d, g),
                    },
                },
            };
        },
    };
}

;// CONCATENATED MODULE: ./emulator/src/ids.ts
// Identifiers in AWS's shapes: ARNs, task ids, deployment ids, request ids.

const hex = (bytes) => (0,external_node_crypto_.randomBytes)(bytes).toString('hex');
const ids_uuid = () => randomUUID();
/** 19 decimal digits, like ECS deployment ids (ecs-svc/1234567890123456789) and revision ids. */
function digits(n = 19) {
    let s = String(1 + ((0,external_node_crypto_.randomBytes)(1)[0] % 9));
    const bytes = (0,external_node_crypto_.randomBytes)(n);
    for (let i = 1; i < n; i++)
        s += String(bytes[i] % 10);
    return s;
}
function arn(service, region, accountId, resource) {
    return `arn:aws:${service}:${region}:${accountId}:${resource}`;
}
/** The last path segment of an ARN or a bare name: "arn:…:service/c/web" → "web". */
function lastSegment(nameOrArn) {
    const i = nameOrArn.lastIndexOf('/');
    return i >= 0 ? nameOrArn.slice(i + 1) : nameOrArn;
}

;// CONCATENATED MODULE: ./emulator/src/ecs/events.ts
// Service event messages, in ECS's wording (DescribeServices events[]).
const events = {
    started: (svc, ids) => `(service ${svc}) has started ${ids.length} tasks: ${ids.map((id) => `(task ${id})`).join(' ')}.`,
    stopped: (svc, ids) => `(service ${svc}) has stopped ${ids.length} running tasks: ${ids.map((id) => `(task ${id})`).join(' ')}.`,
    steady: (svc) => `(service ${svc}) has reached a steady state.`,
    completed: (svc, dep) => `(service ${svc}) (deployment ${dep}) deployment completed.`,
    failed: (svc, dep) => `(service ${svc}) deployment ${dep} deployment failed: tasks failed to start.`,
    rollingBack: (svc, failed, to) => `(service ${svc}) deployment ${failed} rolling back to deployment ${to}.`,
    trafficShifted: (svc, dep, percent, kind) => `(service ${svc}) (deployment ${dep}) shifted ${percent}% of ${kind} traffic to the new service revision.`,
    stage: (svc, dep, stage) => `(service ${svc}) (deployment ${dep}) entered lifecycle stage ${stage}.`,
};
const CIRCUIT_BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';
const schedulerStopReason = (deploymentId) => `Scaling activity initiated by (deployment ${deploymentId})`;

;// CONCATENATED MODULE: ./emulator/src/ecs/hooks.ts
// Deployment lifecycle hooks of the blue/green strategies. PAUSE hooks wait for
// ContinueServiceDeployment (or time out with their timeout action); AWS_LAMBDA hooks succeed at once,
// since the emulator runs no Lambda functions.


const NO_HOOKS = ['SCALE_UP', 'BAKE_TIME', 'CLEAN_UP'];
const NO_PAUSE = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];
function hooksAt(cfg, stage) {
    return (cfg.lifecycleHooks ?? []).filter((h) => h.lifecycleStages?.includes(stage));
}
function validateHooks(cfg) {
    const invalid = (m) => new AwsError('InvalidParameterException', m);
    for (const h of cfg.lifecycleHooks ?? []) {
        const type = h.targetType ?? 'AWS_LAMBDA';
        if (type !== 'AWS_LAMBDA' && type !== 'PAUSE')
            throw invalid(`Unknown lifecycle hook targetType ${type}.`);
        if (!h.lifecycleStages?.length)
            throw invalid('A lifecycle hook needs at least one lifecycle stage.');
        for (const stage of h.lifecycleStages) {
            if (NO_HOOKS.includes(stage))
                throw invalid(`Lifecycle hooks cannot run at the ${stage} stage.`);
            if (type === 'PAUSE' && NO_PAUSE.includes(stage))
                throw invalid(`A PAUSE hook cannot be used at the ${stage} stage.`);
        }
        if (type === 'AWS_LAMBDA' && (!h.hookTargetArn || !h.roleArn)) {
            throw invalid('An AWS_LAMBDA lifecycle hook needs hookTargetArn and roleArn.');
        }
    }
}
/** Starts (once) and checks the hooks of `stage`: done when all succeeded, rollback when one says so. */
function runHooks(sd, stage, now) {
    const hooks = hooksAt(sd.deploymentConfiguration, stage);
    if (hooks.length === 0)
        return 'done';
    if (!sd.hooks.some((r) => r.stage === stage)) {
        for (const h of hooks) {
            const type = h.targetType ?? 'AWS_LAMBDA';
            sd.hooks.push({
                hookId: hex(16),
                targetType: type,
                targetArn: h.hookTargetArn,
                status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'SUCCEEDED',
                expiresAt: now + (h.timeoutConfiguration?.timeoutInMinutes ?? 1440) * 60_000,
                timeoutAction: h.timeoutConfiguration?.action ?? 'ROLLBACK',
                stage,
            });
        }
        sd.updatedAt = now;
    }
    let outcome = 'done';
    for (const r of sd.hooks.filter((x) => x.stage === stage)) {
        if (r.status === 'AWAITING_ACTION' && r.expiresAt !== undefined && now >= r.expiresAt) {
            r.status = 'TIMED_OUT';
            sd.updatedAt = now;
        }
        if (r.rollbackRequested || r.status === 'FAILED')
            return 'rollback';
        if (r.status === 'TIMED_OUT' && r.timeoutAction === 'ROLLBACK')
            return 'rollback';
        if (r.status === 'AWAITING_ACTION' || r.status === 'IN_PROGRESS')
            outcome = 'waiting';
    }
    return outcome;
}
/** ContinueServiceDeployment: CONTINUE lets the deployment move on; ROLLBACK sends it back. */
function continueHook(sd, hookId, action, now) {
    const r = sd.hooks.find((x) => x.hookId === hookId);
    if (!r)
        throw new AwsError('InvalidParameterException', `The lifecycle hook ${hookId} was not found in this service deployment.`);
    if (r.status !== 'AWAITING_ACTION') {
        throw new AwsError('ConflictException', `The lifecycle hook ${hookId} is ${r.status}, not AWAITING_ACTION.`);
    }
    r.status = 'SUCCEEDED';
    if (action === 'ROLLBACK')
        r.rollbackRequested = true;
    sd.updatedAt = now;
}
function hookDetailsOut(runs) {
    return runs.map((r) => ({
        hookId: r.hookId,
        targetType: r.targetType,
        targetArn: r.targetArn,
        status: r.status,
        expiresAt: r.expiresAt === undefined ? undefined : new Date(r.expiresAt),
        timeoutAction: r.timeoutAction,
    }));
}

;// CONCATENATED MODULE: ./emulator/src/ecs/model.ts
const LIFECYCLE_STAGES = [
    'RECONCILE_SERVICE',
    'PRE_SCALE_UP',
    'SCALE_UP',
    'POST_SCALE_UP',
    'TEST_TRAFFIC_SHIFT',
    'POST_TEST_TRAFFIC_SHIFT',
    'PRE_PRODUCTION_TRAFFIC_SHIFT',
    'PRODUCTION_TRAFFIC_SHIFT',
    'POST_PRODUCTION_TRAFFIC_SHIFT',
    'BAKE_TIME',
    'CLEAN_UP',
];

;// CONCATENATED MODULE: ./emulator/src/ecs/bluegreen.ts
// ECS-native BLUE_GREEN, LINEAR and CANARY deployments: green tasks start in the target group that
// is not receiving production traffic, then SCALE_UP → TEST_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT
// (listener rule weights rewritten in ELBv2, all at once, in linear steps or canary first) →
// BAKE_TIME → CLEAN_UP (blue tasks stopped) → SUCCESSFUL. A failing green, or StopServiceDeployment
// during the deployment, sends traffic back to blue.




function isBlueGreen(svc) {
    const strategy = svc.deploymentConfiguration.strategy ?? 'ROLLING';
    return (strategy !== 'ROLLING' &&
        svc.deploymentController.type === 'ECS' &&
        svc.loadBalancers.some((lb) => lb.advancedConfiguration?.alternateTargetGroupArn));
}
function advancedLb(svc) {
    return svc.loadBalancers.find((lb) => lb.advancedConfiguration?.alternateTargetGroupArn);
}
function setTraffic(ecs, rule, blueTg, greenTg, greenPercent) {
    if (!rule)
        return;
    const g = Math.round(greenPercent);
    ecs.world.elbv2.setForwardWeights(rule, [
        { TargetGroupArn: blueTg, Weight: 100 - g },
        { TargetGroupArn: greenTg, Weight: g },
    ]);
}
function reconcileBlueGreen(ecs, svc, now) {
    const green = svc.deployments[0];
    if (!green)
        return;
    const lb = advancedLb(svc);
    const adv = lb.advancedConfiguration ?? {};
    const live = svc.sim.liveTargetGroupArn ?? lb.targetGroupArn;
    svc.sim.liveTargetGroupArn = live;
    const other = live === lb.targetGroupArn ? adv.alternateTargetGroupArn : lb.targetGroupArn;
    // A newer deployment supersedes one still in progress: its green side goes, traffic returns to blue.
    for (const d of svc.deployments.slice(1)) {
        if (d.rolloutState !== 'IN_PROGRESS' || d.sim.frozen)
            continue;
        d.sim.frozen = true;
        d.status = 'ACTIVE';
        setTraffic(ecs, adv.productionListenerRule, live, other, 0);
        setTraffic(ecs, adv.testListenerRule, live, other, 0);
        stopForScaling(ecs, svc, tasksByDeployment(ecs, svc).get(d.id)?.active ?? [], green.id);
    }
    const blues = svc.deployments.slice(1).filter((d) => !d.sim.frozen);
    green.sim.targetGroupArn ??= blues.length ? other : live;
    const greenTg = green.sim.targetGroupArn;
    const groups = tasksByDeployment(ecs, svc);
    const mine = groups.get(green.id);
    const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
    const sd = ecs.serviceDeployments.get(green.serviceDeploymentArn);
    const cfg = svc.deploymentConfiguration;
    // Keep the primary at its desired count (replacing failed tasks) unless it is frozen.
    const beforeScaleUp = green.rolloutState === 'IN_PROGRESS' &&
        blues.length > 0 &&
        (green.sim.stage ?? firstStage(cfg)) === 'PRE_SCALE_UP';
    if (!green.sim.frozen && !beforeScaleUp && mine.active.length < desired)
        launch(ecs, svc, green, desired - mine.active.length, greenTg);
    if (mine.active.length > desired) {
        stopForScaling(ecs, svc, mine.active.slice(0, mine.active.length - desired), green.id);
    }
    // Frozen (failed or rolled-back) deployments leave once drained; a rollback then succeeds.
    for (const d of svc.deployments.slice(1)) {
        if ((groups.get(d.id)?.live.length ?? 0) > 0)
            continue;
        svc.deployments = svc.deployments.filter((x) => x !== d);
        const dsd = ecs.serviceDeployments.get(d.serviceDeploymentArn);
        if (d.sim.frozen && dsd?.status === 'ROLLBACK_IN_PROGRESS') {
            dsd.status = 'ROLLBACK_SUCCESSFUL';
            dsd.finishedAt = now;
            dsd.updatedAt = now;
            ecs.event(svc, events.completed(svc.serviceName, green.id));
        }
    }
    if (green.rolloutState !== 'IN_PROGRESS' || !sd || isTerminal(sd)) {
        markSteady(ecs, svc, mine);
        return;
    }
    if (sd.status === 'ROLLBACK_REQUESTED') {
        rollBackBlueGreen(ecs, svc, green, 'Service deployment rolled back because of a stop request.');
        return;
    }
    sd.circuitBreaker.failureCount = Math.max(sd.circuitBreaker.failureCount, green.failedTasks);
    if (cfg.deploymentCircuitBreaker?.enable && green.failedTasks >= failureThreshold(svc)) {
        sd.circuitBreaker.status = 'TRIGGERED';
        ecs.event(svc, events.failed(svc.serviceName, green.id));
        if (cfg.deploymentCircuitBreaker.rollback && blues.length) {
            rollBackBlueGreen(ecs, svc, green, CIRCUIT_BREAKER_REASON);
        }
        else {
            green.rolloutState = 'FAILED';
            green.rolloutStateReason = CIRCUIT_BREAKER_REASON;
            green.sim.frozen = true;
            sd.status = cfg.deploymentCircuitBreaker.rollback ? 'ROLLBACK_FAILED' : 'STOPPED';
            sd.statusReason = CIRCUIT_BREAKER_REASON;
            sd.finishedAt = now;
        }
        return;
    }
    // The first deployment of a service has no blue side: it completes once healthy.
    if (blues.length === 0 && svc.deployments.length === 1) {
        if (mine.healthy.length >= desired) {
            setTraffic(ecs, adv.productionListenerRule, other, live, 0);
            completeDeployment(ecs, svc, green);
            markSteady(ecs, svc, mine);
        }
        return;
    }
    const blueTg = live;
    const stage = green.sim.stage ?? firstStage(cfg);
    green.sim.stage = stage;
    const enter = (next) => {
        green.sim.stage = next;
        green.sim.stageUntil = next === 'BAKE_TIME' ? now + (cfg.bakeTimeInMinutes ?? 0) * 60_000 : now;
        sd.lifecycleStage = next;
        sd.updatedAt = now;
        if (next === 'CLEAN_UP') {
            for (const b of blues)
                stopForScaling(ecs, svc, groups.get(b.id)?.active ?? [], green.id);
        }
    };
    // Each stage: its work, then its lifecycle hooks, then the next stage that applies.
    let workDone;
    switch (stage) {
        case 'SCALE_UP':
            workDone = mine.healthy.length >= desired;
            break;
        case 'TEST_TRAFFIC_SHIFT':
            if (!green.sim.testShifted && adv.testListenerRule) {
                setTraffic(ecs, adv.testListenerRule, blueTg, greenTg, 100);
                ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, 100, 'test'));
            }
            green.sim.testShifted = true;
            workDone = true;
            break;
        case 'PRODUCTION_TRAFFIC_SHIFT':
            workDone = shiftProduction(ecs, svc, green, blueTg, greenTg, now);
            break;
        case 'BAKE_TIME':
            workDone = now >= (green.sim.stageUntil ?? now);
            break;
        case 'CLEAN_UP':
            if (svc.deployments.length > 1)
                return;
            svc.sim.liveTargetGroupArn = greenTg;
            completeDeployment(ecs, svc, green);
            markSteady(ecs, svc, mine);
            return;
        default:
            workDone = true; // PRE_/POST_ stages exist for their hooks
    }
    if (!workDone)
        return;
    const hooks = runHooks(sd, stage, now);
    if (hooks === 'waiting')
        return;
    if (hooks === 'rollback') {
        rollBackBlueGreen(ecs, svc, green, `Service deployment rolled back by a lifecycle hook at ${stage}.`);
        return;
    }
    enter(nextStage(cfg, stage, Boolean(adv.testListenerRule)));
}
/** The stages a deployment goes through: hook-only stages only when a hook runs there. */
const ALWAYS = ['SCALE_UP', 'PRODUCTION_TRAFFIC_SHIFT', 'BAKE_TIME', 'CLEAN_UP'];
function applies(cfg, stage, hasTestRule) {
    if (ALWAYS.includes(stage))
        return true;
    if (stage === 'TEST_TRAFFIC_SHIFT' && hasTestRule)
        return true;
    return hooksAt(cfg, stage).length > 0;
}
function firstStage(cfg) {
    return hooksAt(cfg, 'PRE_SCALE_UP').length > 0 ? 'PRE_SCALE_UP' : 'SCALE_UP';
}
function nextStage(cfg, stage, hasTestRule) {
    const order = LIFECYCLE_STAGES.slice(LIFECYCLE_STAGES.indexOf(stage) + 1);
    return order.find((s) => applies(cfg, s, hasTestRule)) ?? 'CLEAN_UP';
}
/** One production traffic step when due (all at once, linear steps, or canary then the rest). */
function shiftProduction(ecs, svc, green, blueTg, greenTg, now) {
    const current = green.sim.trafficPercent ?? 0;
    if (current >= 100)
        return true;
    if (now < (green.sim.stageUntil ?? now))
        return false;
    const cfg = svc.deploymentConfiguration;
    const strategy = cfg.strategy ?? 'BLUE_GREEN';
    let next = 100;
    let waitMinutes = 0;
    if (strategy === 'CANARY' && current === 0) {
        next = cfg.canaryConfiguration?.canaryPercent ?? 5;
        waitMinutes = cfg.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10;
    }
    else if (strategy === 'LINEAR') {
        next = Math.min(100, current + (cfg.linearConfiguration?.stepPercent ?? 10));
        waitMinutes = cfg.linearConfiguration?.stepBakeTimeInMinutes ?? 6;
    }
    green.sim.trafficPercent = next;
    green.sim.stageUntil = now + waitMinutes * 60_000;
    setTraffic(ecs, svc.loadBalancers.find((lb) => lb.advancedConfiguration)?.advancedConfiguration?.productionListenerRule, blueTg, greenTg, next);
    ecs.event(svc, events.trafficShifted(svc.serviceName, green.id, next, 'production'));
    return false;
}
/** Traffic back to blue, green's tasks stopped, blue PRIMARY again. */
function rollBackBlueGreen(ecs, svc, green, reason) {
    const now = ecs.now();
    const lb = advancedLb(svc);
    const adv = lb.advancedConfiguration ?? {};
    const blueTg = svc.sim.liveTargetGroupArn ?? lb.targetGroupArn;
    const greenTg = green.sim.targetGroupArn ?? adv.alternateTargetGroupArn;
    setTraffic(ecs, adv.productionListenerRule, blueTg, greenTg, 0);
    setTraffic(ecs, adv.testListenerRule, blueTg, greenTg, 0);
    green.rolloutState = 'FAILED';
    green.rolloutStateReason = reason;
    green.sim.frozen = true;
    green.status = 'ACTIVE';
    green.updatedAt = now;
    const blue = svc.deployments.find((d) => d !== green && !d.sim.frozen);
    const groups = tasksByDeployment(ecs, svc);
    stopForScaling(ecs, svc, groups.get(green.id)?.active ?? [], blue?.id ?? green.id);
    const sd = ecs.serviceDeployments.get(green.serviceDeploymentArn);
    if (!blue) {
        if (sd) {
            sd.status = 'ROLLBACK_FAILED';
            sd.statusReason = reason;
            sd.finishedAt = now;
        }
        return;
    }
    blue.status = 'PRIMARY';
    svc.deployments = [blue, ...svc.deployments.filter((d) => d !== blue)];
    svc.taskDefinition = blue.taskDefinition;
    svc.sim.steady = false;
    if (sd) {
        sd.status = 'ROLLBACK_IN_PROGRESS';
        sd.statusReason = reason;
        sd.rollback = { reason, startedAt: now, serviceRevisionArn: blue.serviceRevisionArn };
        sd.rollbackDeploymentId = blue.id;
        sd.updatedAt = now;
    }
    ecs.event(svc, events.rollingBack(svc.serviceName, green.id, blue.id));
}

;// CONCATENATED MODULE: ./emulator/src/behaviors.ts
// How tasks of an image behave (POST /_cendence/behaviors). Images without a matching behaviour are
// healthy. The latest matching registration wins.
const BEHAVIORS = ['healthy', 'crash', 'unhealthy', 'slow', 'exit', 'stall', 'pull-error'];
function resolveDefaults(spec) {
    const b = spec.behavior;
    return {
        image: spec.image,
        behavior: b,
        startSeconds: spec.startSeconds ?? (b === 'slow' ? 120 : 5),
        runSeconds: spec.runSeconds ?? (b === 'exit' ? 5 : 3),
        exitCode: spec.exitCode ?? (b === 'exit' ? 0 : 1),
        logLines: spec.logLines ?? [],
    };
}
const HEALTHY = (image) => resolveDefaults({ image, behavior: 'healthy' });
function globToRegExp(glob) {
    const body = glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${body}$`);
}
/** The image without its registry host: "1234.dkr.ecr.r.amazonaws.com/web:v1" → "web:v1". */
function withoutRegistry(image) {
    const slash = image.indexOf('/');
    if (slash < 0)
        return image;
    const first = image.slice(0, slash);
    return first.includes('.') || first.includes(':') || first === 'localhost' ? image.slice(slash + 1) : image;
}
function imageMatches(pattern, image) {
    const short = withoutRegistry(image);
    if (pattern === image || pattern === short)
        return true;
    if (pattern.startsWith('sha256:') && image.endsWith(`@${pattern}`))
        return true;
    if (pattern.includes('*') || pattern.includes('?')) {
        const re = globToRegExp(pattern);
        return re.test(image) || re.test(short);
    }
    // "web" matches "web:latest" and any tag or digest of web.
    return (short === `${pattern}:latest` ||
        short.startsWith(`${pattern}@`) ||
        (!pattern.includes(':') && short.startsWith(`${pattern}:`)));
}
class BehaviorBook {
    entries = [];
    add(spec) {
        if (typeof spec.image !== 'string' || spec.image === '')
            throw new Error('"image" is required');
        if (!BEHAVIORS.includes(spec.behavior))
            throw new Error(`"behavior" must be one of ${BEHAVIORS.join(', ')}`);
        for (const k of ['startSeconds', 'runSeconds', 'exitCode']) {
            const v = spec[k];
            if (v !== undefined && !(typeof v === 'number' && v >= 0))
                throw new Error(`"${k}" must be a number >= 0`);
        }
        if (spec.logLines !== undefined && !Array.isArray(spec.logLines))
            throw new Error('"logLines" must be a list');
        const b = resolveDefaults(spec);
        this.entries.push(b);
        return b;
    }
    for(image) {
        for (let i = this.entries.length - 1; i >= 0; i--) {
            if (imageMatches(this.entries[i].image, image))
                return this.entries[i];
        }
        return HEALTHY(image);
    }
    list() {
        return [...this.entries];
    }
    clear() {
        this.entries = [];
    }
}

;// CONCATENATED MODULE: ./emulator/src/ecs/tasks.ts
// Tasks: launching, the lifecycle PROVISIONING → PENDING → RUNNING → (DEACTIVATING →) STOPPING →
// DEPROVISIONING → STOPPED on the emulator clock, health (container health checks, ELB targets), and
// what each image behaviour does to a task. Service-level decisions live in deployments.ts.



/** Seconds for ENI provisioning (PROVISIONING → PENDING). */
const PROVISION_S = 2;
/** Seconds from SIGTERM to exited containers, and for ENI teardown. */
const STOPPING_S = 2;
const DEPROVISION_S = 3;
/** Without a container health check or load balancer, ECS counts a task healthy this long after RUNNING. */
const IMPLICIT_HEALTHY_S = 40;
const digestOf = (image) => {
    const at = image.indexOf('@sha256:');
    return at >= 0 ? image.slice(at + 1) : `sha256:${(0,external_node_crypto_.createHash)('sha256').update(image).digest('hex')}`;
};
// A one-off task (RunTask outside a service, e.g. a migration) runs its command to completion: where its
// image is merely "healthy" it exits 0, as a command that succeeds does. crash/unhealthy/stall still apply.
function oneOffOrService(b, spec) {
    if (spec.service || b.behavior !== 'healthy')
        return b;
    return {
        ...resolveDefaults({ image: b.image, behavior: 'exit', startSeconds: b.startSeconds }),
        logLines: b.logLines,
    };
}
function launchTask(ecs, spec) {
    const now = ecs.now();
    const id = hex(16);
    const clusterName = spec.clusterArn.slice(spec.clusterArn.lastIndexOf('/') + 1);
    const body = spec.taskDef.body;
    const defs = body.containerDefinitions ?? [];
    const ip = `10.0.${(0,external_node_crypto_.randomBytes)(1)[0]}.${1 + ((0,external_node_crypto_.randomBytes)(1)[0] % 254)}`;
    const subnets = spec.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
    const containers = defs.map((c) => ({
        name: c.name,
        image: c.image,
        imageDigest: digestOf(c.image),
        essential: c.essential !== false,
        lastStatus: 'PENDING',
        healthStatus: 'UNKNOWN',
        behavior: oneOffOrService(ecs.world.behaviors.for(c.image), spec),
        healthCheck: c.healthCheck,
        logConfiguration: c.logConfiguration,
        portMappings: (c.portMappings ?? []).map((p) => ({ containerPort: Number(p.containerPort) })),
    }));
    const task = {
        taskArn: ecs.arn(`task/${clusterName}/${id}`),
        id,
        clusterArn: spec.clusterArn,
        taskDefinitionArn: spec.taskDef.arn,
        family: spec.taskDef.family,
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        startedBy: spec.startedBy,
        group: spec.group,
        launchType: spec.launchType ?? 'FARGATE',
        platformVersion: spec.platformVersion && spec.platformVersion !== 'LATEST' ? spec.platformVersion : '1.4.0',
        cpu: body.cpu,
        memory: body.memory,
        createdAt: now,
        healthStatus: 'UNKNOWN',
        containers,
        overrides: spec.overrides ?? { containerOverrides: [], inferenceAcceleratorOverrides: [] },
        tags: spec.tags ?? [],
        version: 1,
        ip,
        subnet: subnets[0] ?? 'subnet-0emulator-a',
        eniId: `eni-${hex(8)}`,
        availabilityZone: `${ecs.world.region}a`,
        sim: {
            serviceName: spec.service?.serviceName,
            deploymentId: spec.deployment?.id,
            nextAt: now + PROVISION_S * 1000,
            targets: spec.targets ?? [],
            graceSeconds: spec.service?.healthCheckGracePeriodSeconds ?? 0,
        },
    };
    ecs.tasks.set(task.taskArn, task);
    ecs.live.add(task);
    return task;
}
const timelines = new WeakMap();
/** Moves a task along its lifecycle to `now`. */
function advanceTask(ecs, task, now) {
    const due = task.sim.nextAt !== undefined && task.sim.nextAt <= now;
    switch (task.lastStatus) {
        case 'PROVISIONING':
            if (due)
                toPending(ecs, task, now);
            return;
        case 'PENDING':
            if (due)
                toRunning(ecs, task, now);
            return;
        case 'RUNNING':
            checkRunning(ecs, task, now);
            return;
        case 'DEACTIVATING':
            if (due)
                toStopping(task, now);
            return;
        case 'STOPPING':
            if (due) {
                task.lastStatus = 'DEPROVISIONING';
                task.executionStoppedAt ??= now;
                task.sim.nextAt = now + DEPROVISION_S * 1000;
                task.version++;
            }
            return;
        case 'DEPROVISIONING':
            if (due) {
                task.lastStatus = 'STOPPED';
                task.stoppedAt = now;
                task.sim.nextAt = undefined;
                task.version++;
                ecs.live.delete(task);
            }
            return;
    }
}
function toPending(ecs, task, now) {
    // The awslogs driver needs its log group before any container starts.
    for (const c of task.containers) {
        const lc = c.logConfiguration;
        if (lc?.logDriver !== 'awslogs')
            continue;
        const group = lc.options?.['awslogs-group'];
        if (!group)
            continue;
        if (ecs.world.logs.groups.has(group))
            continue;
        if (lc.options?.['awslogs-create-group'] === 'true') {
            ecs.world.logs.createGroup(group);
            continue;
        }
        stopTask(ecs, task, {
            stopCode: 'TaskFailedToStart',
            reason: 'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ' +
                'failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1',
            failed: true,
        });
        return;
    }
    task.lastStatus = 'PENDING';
    task.connectivityAt = now;
    task.pullStartedAt = now;
    task.version++;
    const stalls = task.containers.some((c) => c.behavior.behavior === 'stall');
    const start = Math.max(...task.containers.map((c) => c.behavior.startSeconds), 0);
    task.sim.nextAt = stalls ? undefined : now + start * 1000;
}
function toRunning(ecs, task, now) {
    const unpullable = task.containers.find((c) => c.behavior.behavior === 'pull-error');
    if (unpullable) {
        const reason = `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ` +
            `${unpullable.image}: not found`;
        unpullable.reason = reason;
        stopTask(ecs, task, { stopCode: 'TaskFailedToStart', reason, failed: true });
        return;
    }
    task.lastStatus = 'RUNNING';
    task.pullStoppedAt = now;
    task.startedAt = now;
    task.sim.nextAt = undefined;
    task.version++;
    const tl = { healthPasses: true };
    for (const c of task.containers) {
        c.lastStatus = 'RUNNING';
        const b = c.behavior;
        if ((b.behavior === 'crash' || b.behavior === 'exit') && c.essential) {
            const at = now + b.runSeconds * 1000;
            if (tl.exitAt === undefined || at < tl.exitAt) {
                tl.exitAt = at;
                tl.exitContainer = c;
            }
        }
        if (c.healthCheck) {
            const hc = c.healthCheck;
            const interval = (hc.interval ?? 30) * 1000;
            const fails = b.behavior === 'unhealthy';
            const at = fails ? now + (hc.startPeriod ?? 0) * 1000 + interval * (hc.retries ?? 3) : now + interval;
            tl.healthAt = Math.max(tl.healthAt ?? 0, at);
            if (fails)
                tl.healthPasses = false;
        }
        writeLogs(ecs, task, c, now);
    }
    timelines.set(task, tl);
    const passes = !task.containers.some((c) => c.behavior.behavior === 'unhealthy');
    for (const t of task.sim.targets)
        ecs.world.elbv2.registerTarget(t.targetGroupArn, task.ip, t.port, passes);
    const svc = serviceOf(ecs, task);
    if (svc)
        for (const tg of new Set(task.sim.targets.map((t) => t.targetGroupArn)))
            ecs.tally(svc, 'registered', tg);
}
function writeLogs(ecs, task, c, now) {
    const lc = c.logConfiguration;
    if (lc?.logDriver !== 'awslogs' || c.behavior.logLines.length === 0)
        return;
    const group = lc.options?.['awslogs-group'];
    const prefix = lc.options?.['awslogs-stream-prefix'];
    if (!group)
        return;
    const stream = prefix ? `${prefix}/${c.name}/${task.id}` : task.id;
    ecs.world.logs.putEvents(group, stream, c.behavior.logLines, now);
}
function serviceOf(ecs, task) {
    if (!task.sim.serviceName)
        return undefined;
    const clusterName = task.clusterArn.slice(task.clusterArn.lastIndexOf('/') + 1);
    return ecs.services.get(ecs.arn(`service/${clusterName}/${task.sim.serviceName}`));
}
function checkRunning(ecs, task, now) {
    if (task.desiredStatus === 'STOPPED')
        return;
    const tl = timelines.get(task) ?? { healthPasses: true };
    if (tl.exitAt !== undefined && tl.exitAt <= now && tl.exitContainer) {
        const c = tl.exitContainer;
        c.exitCode = c.behavior.exitCode;
        c.lastStatus = 'STOPPED';
        stopTask(ecs, task, {
            stopCode: 'EssentialContainerExited',
            reason: 'Essential container in task exited',
            failed: task.sim.serviceName !== undefined,
            crashed: true,
        });
        return;
    }
    if (tl.healthAt !== undefined && tl.healthAt <= now && task.healthStatus === 'UNKNOWN') {
        const status = tl.healthPasses ? 'HEALTHY' : 'UNHEALTHY';
        for (const c of task.containers)
            if (c.healthCheck)
                c.healthStatus = status;
        task.healthStatus = status;
        task.version++;
        const svc = serviceOf(ecs, task);
        if (status === 'UNHEALTHY' && svc) {
            ecs.event(svc, `(service ${svc.serviceName}) (task ${task.id}) failed container health checks.`);
            stopTask(ecs, task, {
                stopCode: 'ServiceSchedulerInitiated',
                reason: 'Task failed container health checks',
                failed: true,
            });
            return;
        }
    }
    const svc = serviceOf(ecs, task);
    if (svc && task.startedAt !== undefined && now >= task.startedAt + task.sim.graceSeconds * 1000) {
        for (const t of task.sim.targets) {
            const target = ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port);
            if (target?.state !== 'unhealthy')
                continue;
            ecs.event(svc, `(service ${svc.serviceName}) (port ${t.port}) is unhealthy in (target-group ${t.targetGroupArn}) due to (reason ${target.description}).`);
            stopTask(ecs, task, {
                stopCode: 'ServiceSchedulerInitiated',
                reason: `Task failed ELB health checks in (target-group ${t.targetGroupArn})`,
                failed: true,
            });
            return;
        }
    }
    if (task.sim.healthySince === undefined && isHealthyNow(ecs, task, now)) {
        task.sim.healthySince = now;
        if (svc)
            onTaskHealthy(svc, task);
    }
}
/** Counted healthy for deployments: RUNNING, container health HEALTHY (if checked), targets healthy. */
function isHealthyNow(ecs, task, now) {
    if (task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING')
        return false;
    const checked = task.containers.some((c) => c.healthCheck);
    if (checked && task.healthStatus !== 'HEALTHY')
        return false;
    for (const t of task.sim.targets) {
        if (ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port)?.state !== 'healthy')
            return false;
    }
    if (!checked && task.sim.targets.length === 0) {
        return task.startedAt !== undefined && now >= task.startedAt + IMPLICIT_HEALTHY_S * 1000;
    }
    return true;
}
function isHealthy(task) {
    return task.sim.healthySince !== undefined && task.desiredStatus === 'RUNNING';
}
/** A task that runs healthy resets its deployment's consecutive failure count (resetOnHealthyTask). */
function onTaskHealthy(svc, task) {
    const dep = svc.deployments.find((d) => d.id === task.sim.deploymentId);
    if (!dep)
        return;
    if (svc.deploymentConfiguration.deploymentCircuitBreaker?.resetOnHealthyTask !== false)
        dep.failedTasks = 0;
}
function stopTask(ecs, task, opts) {
    if (task.desiredStatus === 'STOPPED')
        return;
    const now = ecs.now();
    task.desiredStatus = 'STOPPED';
    task.stoppingAt = now;
    task.stopCode = opts.stopCode;
    task.stoppedReason = opts.reason;
    task.version++;
    if (opts.failed && task.sim.serviceName) {
        task.sim.failed = true;
        const dep = serviceOf(ecs, task)?.deployments.find((d) => d.id === task.sim.deploymentId);
        if (dep)
            dep.failedTasks++;
    }
    const wasRunning = task.lastStatus === 'RUNNING';
    let drain = 0;
    const svc = serviceOf(ecs, task);
    for (const t of task.sim.targets) {
        if (!wasRunning)
            continue;
        const delay = ecs.world.elbv2.deregisterTarget(t.targetGroupArn, task.ip, t.port);
        drain = Math.max(drain, delay);
        if (svc)
            ecs.tally(svc, 'deregistered', t.targetGroupArn);
    }
    if (wasRunning && drain > 0 && !opts.crashed) {
        if (svc)
            ecs.tally(svc, 'draining');
        task.lastStatus = 'DEACTIVATING';
        task.sim.nextAt = now + drain * 1000;
    }
    else {
        toStopping(task, now, opts.crashed);
    }
}
function toStopping(task, now, crashed = false) {
    const wasRunning = task.startedAt !== undefined;
    task.lastStatus = 'STOPPING';
    task.sim.nextAt = now + STOPPING_S * 1000;
    task.version++;
    for (const c of task.containers) {
        if (c.lastStatus === 'STOPPED')
            continue;
        c.lastStatus = 'STOPPED';
        // Containers that never started have no exit code; others exit on SIGTERM (or are killed when an
        // essential sibling crashed).
        if (wasRunning)
            c.exitCode = crashed ? 137 : 0;
    }
}
// --- API shapes ------------------------------------------------------------------------------------
const d = (ms) => (ms === undefined ? undefined : new Date(ms));
function taskOut(task, includeTags = false) {
    const attachmentId = `${task.id.slice(0, 8)}-${task.id.slice(8, 12)}-${task.id.slice(12, 16)}-${task.id.slice(16, 20)}-${task.id.slice(20)}`;
    return {
        attachments: [
            {
                id: attachmentId,
                type: 'ElasticNetworkInterface',
                status: task.lastStatus === 'STOPPED'
                    ? 'DELETED'
                    : task.lastStatus === 'PROVISIONING'
                        ? 'PRECREATED'
                        : 'ATTACHED',
                details: [
                    { name: 'subnetId', value: task.subnet },
                    { name: 'networkInterfaceId', value: task.eniId },
                    { name: 'privateIPv4Address', value: task.ip },
                ],
            },
        ],
        availabilityZone: task.availabilityZone,
        clusterArn: task.clusterArn,
        connectivity: task.connectivityAt !== undefined ? 'CONNECTED' : undefined,
        connectivityAt: d(task.connectivityAt),
        containers: task.containers.map((c) => ({
            containerArn: `${task.taskArn.replace(':task/', ':container/')}/${c.name}`,
            taskArn: task.taskArn,
            name: c.name,
            image: c.image,
            imageDigest: task.lastStatus === 'PROVISIONING' ? undefined : c.imageDigest,
            runtimeId: `${task.id}-${c.name}`,
            lastStatus: c.lastStatus,
            exitCode: c.exitCode,
            reason: c.reason,
            networkBindings: [],
            networkInterfaces: [{ attachmentId, privateIpv4Address: task.ip }],
            healthStatus: c.healthStatus,
            cpu: '0',
        })),
        cpu: task.cpu,
        memory: task.memory,
        createdAt: d(task.createdAt),
        desiredStatus: task.desiredStatus,
        enableExecuteCommand: false,
        executionStoppedAt: d(task.executionStoppedAt),
        group: task.group,
        healthStatus: task.healthStatus,
        lastStatus: task.lastStatus,
        launchType: task.launchType,
        overrides: task.overrides,
        platformVersion: task.platformVersion,
        platformFamily: 'Linux',
        pullStartedAt: d(task.pullStartedAt),
        pullStoppedAt: d(task.pullStoppedAt),
        startedAt: d(task.startedAt),
        startedBy: task.startedBy,
        stopCode: task.stopCode,
        stoppedAt: d(task.stoppedAt),
        stoppedReason: task.stoppedReason,
        stoppingAt: d(task.stoppingAt),
        tags: includeTags ? task.tags : undefined,
        taskArn: task.taskArn,
        taskDefinitionArn: task.taskDefinitionArn,
        version: task.version,
        ephemeralStorage: { sizeInGiB: 20 },
    };
}
/** World seeding: the task has been RUNNING and healthy for a while (its targets too). */
function settleTask(ecs, task) {
    const now = ecs.now();
    task.lastStatus = 'RUNNING';
    task.connectivityAt = now;
    task.pullStartedAt = now;
    task.pullStoppedAt = now;
    task.startedAt = now;
    task.sim.nextAt = undefined;
    task.sim.healthySince = now;
    for (const c of task.containers) {
        c.lastStatus = 'RUNNING';
        if (c.healthCheck)
            c.healthStatus = 'HEALTHY';
    }
    if (task.containers.some((c) => c.healthCheck))
        task.healthStatus = 'HEALTHY';
    timelines.set(task, { healthPasses: true });
    for (const t of task.sim.targets) {
        ecs.world.elbv2.registerTarget(t.targetGroupArn, task.ip, t.port, true);
        const target = ecs.world.elbv2.target(t.targetGroupArn, task.ip, t.port);
        if (target)
            Object.assign(target, {
                state: 'healthy',
                reason: undefined,
                description: undefined,
                until: undefined,
            });
    }
}

;// CONCATENATED MODULE: ./emulator/src/ecs/deployments.ts
// Service deployments over the clock: creating ECS deployments and their ServiceDeployment records,
// the rolling scheduler (minimumHealthyPercent / maximumPercent), the circuit breaker and its
// rollback, completion and the steady-state event. Blue/green stages live in bluegreen.ts.





/** ECS's failure threshold: 50% of desired (or the configured percent/count), clamped to 3..200. */
function failureThreshold(svc) {
    const cfg = svc.deploymentConfiguration.deploymentCircuitBreaker?.thresholdConfiguration;
    const type = cfg?.type ?? 'BOUNDED_PERCENT';
    const value = cfg?.value ?? 50;
    if (type === 'COUNT')
        return Math.max(1, Math.floor(value));
    const raw = Math.ceil((svc.desiredCount * value) / 100);
    return type === 'UNBOUNDED_PERCENT' ? Math.max(1, raw) : Math.min(200, Math.max(3, raw));
}
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A service deployment id like ECS's ("r7bnSmWKFdXrGTdAm1WW7"). */
const shortId = () => [...(0,external_node_crypto_.randomBytes)(21)].map((b) => ALNUM[b % 62]).join('');
/** Creates an ECS deployment (and its service revision) for `td`; does not attach it to the service. */
function createDeployment(ecs, svc, td, serviceDeploymentArn) {
    const now = ecs.now();
    const clusterName = svc.clusterArn.slice(svc.clusterArn.lastIndexOf('/') + 1);
    const revisionArn = ecs.arn(`service-revision/${clusterName}/${svc.serviceName}/${digits()}`);
    ecs.revisions.set(revisionArn, {
        serviceRevisionArn: revisionArn,
        serviceArn: svc.serviceArn,
        clusterArn: svc.clusterArn,
        taskDefinition: td.arn,
        launchType: svc.launchType,
        platformVersion: svc.platformVersion,
        platformFamily: svc.platformFamily,
        loadBalancers: svc.loadBalancers,
        networkConfiguration: svc.networkConfiguration,
        containerImages: (td.body.containerDefinitions ?? []).map((c) => ({
            containerName: c.name,
            image: c.image,
            imageDigest: c.image.includes('@sha256:')
                ? c.image.slice(c.image.indexOf('@') + 1)
                : `sha256:${hex(32)}`,
        })),
        createdAt: now,
    });
    return {
        id: `ecs-svc/${digits()}`,
        status: 'PRIMARY',
        taskDefinition: td.arn,
        desiredCount: svc.desiredCount,
        pendingCount: 0,
        runningCount: 0,
        failedTasks: 0,
        createdAt: now,
        updatedAt: now,
        launchType: svc.launchType,
        platformVersion: svc.platformVersion,
        platformFamily: svc.platformFamily,
        capacityProviderStrategy: svc.capacityProviderStrategy,
        networkConfiguration: svc.networkConfiguration,
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: 'ECS deployment ecs-svc/pending in progress.',
        serviceRevisionArn: revisionArn,
        serviceDeploymentArn,
        sim: {},
    };
}
/**
 * Starts a new deployment of the service's current configuration: the new PRIMARY deployment, older
 * ones ACTIVE, and a ServiceDeployment record (an in-progress one it supersedes is STOPPED).
 */
function startDeployment(ecs, svc, td) {
    const now = ecs.now();
    const clusterName = svc.clusterArn.slice(svc.clusterArn.lastIndexOf('/') + 1);
    const sdArn = ecs.arn(`service-deployment/${clusterName}/${svc.serviceName}/${shortId()}`);
    const previous = svc.currentServiceDeployment
        ? ecs.serviceDeployments.get(svc.currentServiceDeployment)
        : undefined;
    if (previous && !isTerminal(previous)) {
        previous.status = 'STOPPED';
        previous.statusReason = 'Superseded by a newer service deployment.';
        previous.stoppedAt = now;
        previous.finishedAt = now;
        previous.updatedAt = now;
    }
    const dep = createDeployment(ecs, svc, td, sdArn);
    dep.rolloutStateReason = `ECS deployment ${dep.id} in progress.`;
    const sources = svc.deployments.filter((d) => d.status !== 'INACTIVE').map((d) => d.serviceRevisionArn);
    for (const d of svc.deployments)
        if (d.status === 'PRIMARY')
            d.status = 'ACTIVE';
    svc.deployments.unshift(dep);
    svc.taskDefinition = td.arn;
    svc.sim.steady = false;
    const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
    const record = {
        serviceDeploymentArn: sdArn,
        serviceArn: svc.serviceArn,
        clusterArn: svc.clusterArn,
        createdAt: now,
        startedAt: now,
        updatedAt: now,
        sourceServiceRevisionArns: [...new Set(sources)],
        targetServiceRevisionArn: dep.serviceRevisionArn,
        status: 'IN_PROGRESS',
        lifecycleStage: isBlueGreen(svc) ? firstStage(svc.deploymentConfiguration) : 'RECONCILE_SERVICE',
        deploymentConfiguration: structuredClone(svc.deploymentConfiguration),
        circuitBreaker: {
            status: cb?.enable ? 'MONITORING' : 'DISABLED',
            failureCount: 0,
            threshold: failureThreshold(svc),
        },
        deploymentId: dep.id,
        hooks: [],
    };
    ecs.serviceDeployments.set(sdArn, record);
    svc.currentServiceDeployment = sdArn;
    return dep;
}
function isTerminal(sd) {
    return ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(sd.status);
}
function tasksByDeployment(ecs, svc) {
    const out = new Map();
    for (const dep of svc.deployments)
        out.set(dep.id, { dep, active: [], healthy: [], live: [] });
    for (const t of ecs.tasksOf(svc)) {
        const g = out.get(t.sim.deploymentId ?? '');
        if (!g)
            continue;
        g.live.push(t);
        if (t.desiredStatus === 'RUNNING') {
            g.active.push(t);
            if (isHealthy(t))
                g.healthy.push(t);
        }
    }
    return out;
}
function reconcileService(ecs, svc, now) {
    if (svc.status === 'DRAINING') {
        // DeleteService: every task of every deployment goes.
        for (const g of tasksByDeployment(ecs, svc).values())
            stopForScaling(ecs, svc, g.active, g.dep.id);
    }
    if (svc.deploymentController.type !== 'ECS')
        reconcileTaskSets(ecs, svc);
    else if (isBlueGreen(svc))
        reconcileBlueGreen(ecs, svc, now);
    else
        reconcileRolling(ecs, svc);
    updateCounts(ecs, svc, now);
    if (svc.status === 'DRAINING' && ecs.tasksOf(svc).length === 0) {
        svc.status = 'INACTIVE';
        for (const d of svc.deployments)
            d.status = 'INACTIVE';
        svc.deployments = [];
    }
}
function reconcileRolling(ecs, svc) {
    const primary = svc.deployments[0];
    if (!primary)
        return;
    const sd = ecs.serviceDeployments.get(primary.serviceDeploymentArn);
    const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
    if (sd) {
        sd.circuitBreaker.failureCount = Math.max(sd.circuitBreaker.failureCount, primary.failedTasks);
        sd.circuitBreaker.threshold = failureThreshold(svc);
        if (sd.status === 'ROLLBACK_REQUESTED') {
            sd.status = 'ROLLBACK_IN_PROGRESS';
            sd.updatedAt = ecs.now();
        }
    }
    if (cb?.enable && primary.rolloutState === 'IN_PROGRESS' && primary.failedTasks >= failureThreshold(svc)) {
        tripCircuitBreaker(ecs, svc, primary);
        return;
    }
    const groups = tasksByDeployment(ecs, svc);
    const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
    const maxTotal = Math.floor((desired * (svc.deploymentConfiguration.maximumPercent ?? 200)) / 100);
    const minHealthy = Math.ceil((desired * (svc.deploymentConfiguration.minimumHealthyPercent ?? 100)) / 100);
    const mine = groups.get(primary.id);
    let activeTotal = [...groups.values()].reduce((n, g) => n + g.active.length, 0);
    let healthyTotal = [...groups.values()].reduce((n, g) => n + g.healthy.length, 0);
    // Scale up the primary deployment within maximumPercent (at least one task when nothing else runs).
    if (!primary.sim.frozen && mine.active.length < desired) {
        const room = Math.max(maxTotal - activeTotal, activeTotal === 0 ? 1 : 0);
        const n = Math.min(desired - mine.active.length, room);
        if (n > 0) {
            launch(ecs, svc, primary, n);
            activeTotal += n;
        }
    }
    // Scale the primary down when desiredCount dropped (unhealthy tasks first).
    if (mine.active.length > desired) {
        const extra = order(mine.active).slice(0, mine.active.length - desired);
        stopForScaling(ecs, svc, extra, primary.id);
        activeTotal -= extra.length;
        healthyTotal -= extra.filter(isHealthy).length;
    }
    // Stop older deployments' tasks while minimumHealthyPercent allows (or capacity demands).
    const primaryHealthy = mine.healthy.length;
    const toStop = [];
    for (const g of groups.values()) {
        if (g.dep === primary)
            continue;
        for (const t of order(g.active)) {
            const healthy = isHealthy(t);
            const over = activeTotal > maxTotal;
            const allowed = healthyTotal - (healthy ? 1 : 0) >= minHealthy || primaryHealthy >= desired;
            if (!over && !allowed)
                continue;
            toStop.push(t);
            activeTotal--;
            if (healthy)
                healthyTotal--;
        }
    }
    if (toStop.length)
        stopForScaling(ecs, svc, toStop, primary.id);
    // Older deployments with nothing left are INACTIVE and leave the list.
    svc.deployments = svc.deployments.filter((d) => d === primary || (groups.get(d.id)?.live.some((t) => t.lastStatus !== 'STOPPED') ?? false));
    for (const d of svc.deployments)
        if (d !== primary && d.status === 'PRIMARY')
            d.status = 'ACTIVE';
    if (sd &&
        sd.status === 'IN_PROGRESS' &&
        sd.lifecycleStage === 'RECONCILE_SERVICE' &&
        mine.active.length > 0) {
        sd.lifecycleStage = 'SCALE_UP';
    }
    const done = svc.deployments.length === 1 &&
        mine.active.length === desired &&
        primaryHealthy >= desired &&
        !primary.sim.frozen;
    if (primary.rolloutState === 'IN_PROGRESS' && done)
        completeDeployment(ecs, svc, primary);
    markSteady(ecs, svc, mine);
}
/** Unhealthy and not-yet-running tasks first: stopping them costs no healthy capacity. */
function order(tasks) {
    return [...tasks].sort((a, b) => Number(isHealthy(a)) - Number(isHealthy(b)) || b.createdAt - a.createdAt);
}
function launch(ecs, svc, dep, n, targetGroupArn) {
    const td = ecs.findTaskDef(dep.taskDefinition);
    if (!td)
        return [];
    const tasks = [];
    for (let i = 0; i < n; i++) {
        const targets = svc.loadBalancers
            .map((lb, idx) => ({
            targetGroupArn: (idx === 0 ? (targetGroupArn ?? dep.sim.targetGroupArn) : undefined) ?? lb.targetGroupArn,
            port: Number(lb.containerPort),
        }))
            .filter((t) => typeof t.targetGroupArn === 'string');
        tasks.push(launchTask(ecs, {
            taskDef: td,
            clusterArn: svc.clusterArn,
            startedBy: dep.id,
            group: `service:${svc.serviceName}`,
            launchType: dep.launchType,
            platformVersion: dep.platformVersion,
            networkConfiguration: dep.networkConfiguration,
            tags: svc.propagateTags === 'SERVICE' ? svc.tags : [],
            service: svc,
            deployment: dep,
            targets,
        }));
    }
    ecs.event(svc, events.started(svc.serviceName, tasks.map((t) => t.id)));
    svc.sim.steady = false;
    return tasks;
}
function stopForScaling(ecs, svc, tasks, deploymentId) {
    if (tasks.length === 0)
        return;
    for (const t of tasks)
        stopTask(ecs, t, { stopCode: 'ServiceSchedulerInitiated', reason: schedulerStopReason(deploymentId) });
    ecs.event(svc, events.stopped(svc.serviceName, tasks.map((t) => t.id)));
    svc.sim.steady = false;
}
function completeDeployment(ecs, svc, dep) {
    const now = ecs.now();
    dep.rolloutState = 'COMPLETED';
    dep.rolloutStateReason = `ECS deployment ${dep.id} completed.`;
    dep.updatedAt = now;
    svc.sim.lastCompleted = { taskDefinition: dep.taskDefinition, serviceRevisionArn: dep.serviceRevisionArn };
    const sd = ecs.serviceDeployments.get(dep.serviceDeploymentArn);
    if (sd && !isTerminal(sd)) {
        sd.status = dep.sim.isRollback ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL';
        sd.lifecycleStage = 'CLEAN_UP';
        sd.finishedAt = now;
        sd.updatedAt = now;
        if (sd.circuitBreaker.status === 'MONITORING')
            sd.circuitBreaker.status = 'MONITORING_COMPLETE';
    }
    ecs.event(svc, events.completed(svc.serviceName, dep.id));
}
function markSteady(ecs, svc, primaryTasks) {
    const primary = svc.deployments[0];
    const steady = svc.status === 'ACTIVE' &&
        svc.deployments.length === 1 &&
        primary.rolloutState !== 'IN_PROGRESS' &&
        primaryTasks.active.length === svc.desiredCount &&
        primaryTasks.active.every((t) => t.lastStatus === 'RUNNING');
    if (steady && !svc.sim.steady) {
        svc.sim.steady = true;
        ecs.event(svc, events.steady(svc.serviceName));
    }
}
/** The circuit breaker tripped: FAILED, then a rollback to the last completed revision if enabled. */
function tripCircuitBreaker(ecs, svc, failed) {
    const now = ecs.now();
    failed.rolloutState = 'FAILED';
    failed.rolloutStateReason = CIRCUIT_BREAKER_REASON;
    failed.updatedAt = now;
    ecs.event(svc, events.failed(svc.serviceName, failed.id));
    const sd = ecs.serviceDeployments.get(failed.serviceDeploymentArn);
    if (sd) {
        sd.circuitBreaker.status = 'TRIGGERED';
        sd.circuitBreaker.failureCount = failed.failedTasks;
        sd.updatedAt = now;
    }
    const cb = svc.deploymentConfiguration.deploymentCircuitBreaker;
    const last = svc.sim.lastCompleted;
    // A failing rollback is not rolled back again.
    if (cb?.rollback && last && !failed.sim.isRollback) {
        rollBack(ecs, svc, failed, CIRCUIT_BREAKER_REASON, last.taskDefinition, last.serviceRevisionArn);
        return;
    }
    failed.sim.frozen = true;
    if (sd && !isTerminal(sd)) {
        sd.status = cb?.rollback ? 'ROLLBACK_FAILED' : 'STOPPED';
        sd.statusReason = cb?.rollback
            ? `${CIRCUIT_BREAKER_REASON} No completed deployment to roll back to.`
            : CIRCUIT_BREAKER_REASON;
        sd.finishedAt = now;
        sd.stoppedAt = now;
    }
}
/**
 * Rolls back: a new PRIMARY deployment of `taskDefinition` joins the failed one's ServiceDeployment,
 * which moves to ROLLBACK_IN_PROGRESS; the failed deployment stays ACTIVE until its tasks are gone.
 */
function rollBack(ecs, svc, failed, reason, taskDefinition, revisionArn) {
    const td = ecs.findTaskDef(taskDefinition);
    if (!td)
        return undefined;
    const now = ecs.now();
    const rb = createDeployment(ecs, svc, td, failed.serviceDeploymentArn);
    ecs.revisions.delete(rb.serviceRevisionArn);
    rb.serviceRevisionArn = revisionArn;
    rb.rolloutStateReason = `ECS deployment ${rb.id} in progress.`;
    rb.sim.isRollback = true;
    failed.sim.frozen = true;
    for (const d of svc.deployments)
        if (d.status === 'PRIMARY')
            d.status = 'ACTIVE';
    svc.deployments.unshift(rb);
    svc.taskDefinition = td.arn;
    svc.sim.steady = false;
    const sd = ecs.serviceDeployments.get(failed.serviceDeploymentArn);
    if (sd) {
        if (sd.status !== 'ROLLBACK_REQUESTED')
            sd.status = 'ROLLBACK_IN_PROGRESS';
        sd.statusReason = reason;
        sd.rollback = { reason, startedAt: now, serviceRevisionArn: revisionArn };
        sd.rollbackDeploymentId = rb.id;
        sd.updatedAt = now;
    }
    ecs.event(svc, events.rollingBack(svc.serviceName, failed.id, rb.id));
    return rb;
}
/** CODE_DEPLOY / EXTERNAL controllers: each deployment ("task set") is just kept at its count. */
function reconcileTaskSets(ecs, svc) {
    const groups = tasksByDeployment(ecs, svc);
    const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
    for (const g of groups.values()) {
        if (g.dep.sim.frozen)
            continue;
        if (g.active.length < desired)
            launch(ecs, svc, g.dep, desired - g.active.length);
        else if (g.active.length > desired)
            stopForScaling(ecs, svc, order(g.active).slice(0, g.active.length - desired), g.dep.id);
    }
    svc.deployments = svc.deployments.filter((d) => !d.sim.frozen || (groups.get(d.id)?.live.length ?? 0) > 0);
    const primary = svc.deployments[0];
    if (primary && svc.deployments.length === 1) {
        const mine = groups.get(primary.id);
        if (primary.rolloutState === 'IN_PROGRESS' &&
            mine.healthy.length >= desired &&
            mine.active.length === desired) {
            completeDeployment(ecs, svc, primary);
        }
        markSteady(ecs, svc, mine);
    }
}
function updateCounts(ecs, svc, now) {
    const groups = tasksByDeployment(ecs, svc);
    for (const dep of svc.deployments) {
        const g = groups.get(dep.id);
        const running = g?.active.filter((t) => t.lastStatus === 'RUNNING').length ?? 0;
        const pending = g?.active.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length ?? 0;
        const desired = dep.status === 'PRIMARY' || dep.sim.taskSet ? svc.desiredCount : (g?.active.length ?? 0);
        if (running !== dep.runningCount || pending !== dep.pendingCount || desired !== dep.desiredCount) {
            dep.runningCount = running;
            dep.pendingCount = pending;
            dep.desiredCount = desired;
            dep.updatedAt = now;
        }
    }
}

;// CONCATENATED MODULE: ./emulator/src/ecs/external.ts
// ECS as driven by another controller (CodeDeploy blue/green, services with deploymentController
// CODE_DEPLOY): task sets are ECS deployments kept at the service's desired count, registered in the
// target group given. CodeDeploy starts one per deployment, promotes it once traffic moved, or removes
// it on rollback.

/** Starts a task set of `taskDefinition` (family, family:rev or ARN) in `targetGroupArn`. */
function startTaskSet(ecs, svc, taskDefinition, targetGroupArn) {
    const td = ecs.findTaskDef(taskDefinition);
    if (!td)
        throw new Error(`task definition ${taskDefinition} not found`);
    const dep = createDeployment(ecs, svc, td, svc.currentServiceDeployment ?? '');
    dep.status = 'ACTIVE';
    dep.sim.taskSet = true;
    dep.sim.targetGroupArn = targetGroupArn;
    svc.deployments.push(dep);
    svc.sim.steady = false;
    return dep;
}
function taskSetCounts(ecs, svc, dep) {
    const g = tasksByDeployment(ecs, svc).get(dep.id);
    return {
        desired: svc.desiredCount,
        running: g?.active.filter((t) => t.lastStatus === 'RUNNING').length ?? 0,
        healthy: g?.healthy.length ?? 0,
        pending: g?.active.filter((t) => t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING').length ?? 0,
        failed: dep.failedTasks,
    };
}
/** The task set becomes PRIMARY: the service now runs its task definition; the others are removed. */
function promoteTaskSet(ecs, svc, dep) {
    for (const other of svc.deployments)
        if (other !== dep)
            removeTaskSet(ecs, svc, other);
    dep.status = 'PRIMARY';
    svc.deployments = [dep, ...svc.deployments.filter((x) => x !== dep)];
    svc.taskDefinition = dep.taskDefinition;
    completeDeployment(ecs, svc, dep);
}
/** Scales a task set to zero (its tasks drain and stop); it leaves the service once empty. */
function removeTaskSet(ecs, svc, dep) {
    dep.sim.frozen = true;
    if (dep.status === 'PRIMARY')
        dep.status = 'ACTIVE';
    const g = tasksByDeployment(ecs, svc).get(dep.id);
    if (g?.active.length)
        stopForScaling(ecs, svc, g.active, dep.id);
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/ecs-task-sets.ts
// The EcsTaskSets port over the emulator's ECS (ecs/external.ts): CodeDeploy's task sets are ECS
// deployments of a CODE_DEPLOY-controlled service.

function ecsTaskSets(world) {
    const ecs = world.ecs;
    const service = (cluster, name) => {
        const c = ecs.findCluster(cluster);
        const svc = c && ecs.findService(c, name);
        if (!svc)
            throw new Error(`ECS service ${name} in cluster ${cluster} not found`);
        return svc;
    };
    const taskSet = (svc, id) => {
        const dep = svc.deployments.find((d) => d.id === id);
        if (!dep)
            throw new Error(`task set ${id} is no longer part of service ${svc.serviceName}`);
        return dep;
    };
    return {
        current(cluster, name) {
            const svc = service(cluster, name);
            const primary = svc.deployments.find((d) => d.status === 'PRIMARY') ?? svc.deployments[0];
            if (!primary)
                throw new Error(`service ${name} has no task set`);
            return primary.id;
        },
        start(cluster, name, spec) {
            return startTaskSet(ecs, service(cluster, name), spec.taskDefinition, spec.targetGroupArn).id;
        },
        counts(cluster, name, id) {
            const svc = service(cluster, name);
            const dep = taskSet(svc, id);
            // The latest failure's stoppedReason tells a crash from failed health checks.
            let last;
            for (const t of ecs.tasks.values()) {
                if (t.sim.deploymentId !== id || !t.sim.failed || !t.stoppedReason)
                    continue;
                const at = t.stoppingAt ?? 0;
                if (!last || at >= last.at)
                    last = { at, reason: t.stoppedReason };
            }
            return { ...taskSetCounts(ecs, svc, dep), lastStoppedReason: last?.reason };
        },
        serve(cluster, name, id) {
            const svc = service(cluster, name);
            const dep = taskSet(svc, id);
            for (const other of svc.deployments)
                if (other.status === 'PRIMARY')
                    other.status = 'ACTIVE';
            dep.status = 'PRIMARY';
            svc.deployments = [dep, ...svc.deployments.filter((d) => d !== dep)];
            svc.taskDefinition = dep.taskDefinition;
        },
        complete(cluster, name, id) {
            const svc = service(cluster, name);
            promoteTaskSet(ecs, svc, taskSet(svc, id));
        },
        remove(cluster, name, id) {
            const svc = service(cluster, name);
            const dep = svc.deployments.find((d) => d.id === id);
            if (dep)
                removeTaskSet(ecs, svc, dep);
        },
    };
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/engine.ts



const MINUTE = 60_000;
/** CodeDeploy waits this long for the replacement task set to become healthy. */
const INSTALL_TIMEOUT_MS = 60 * MINUTE;
const ECS_EVENTS = [
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'AllowTestTraffic',
    'AfterAllowTestTraffic',
    'BeforeAllowTraffic',
    'AllowTraffic',
    'AfterAllowTraffic',
];
/** Failed replacement tasks that fail the deployment: ECS's circuit-breaker rule, half the desired count within 3..200. */
function engine_failureThreshold(desired) {
    return Math.min(200, Math.max(3, Math.ceil(desired / 2)));
}
class CodeDeployEngine {
    world;
    store;
    ecs;
    constructor(world, store, ecs) {
        this.world = world;
        this.store = store;
        this.ecs = ecs;
    }
    now() {
        return this.world.clock.now();
    }
    /** Creates a deployment in status Created; the next tick starts it. */
    create(g, d) {
        const now = this.now();
        const deployment = {
            ...d,
            deploymentId: deploymentId(),
            status: 'Created',
            phase: 'created',
            createTime: now,
            greenPercent: 0,
            testRouted: false,
            promoted: false,
            stepIndex: -1,
            lifecycle: ECS_EVENTS.map((lifecycleEventName) => ({ lifecycleEventName, status: 'Pending' })),
            lastUpdatedAt: now,
        };
        this.store.deployments.set(deployment.deploymentId, deployment);
        g.lastAttemptedDeployment = deployment.deploymentId;
        return deployment;
    }
    tick() {
        for (const d of this.store.deployments.values()) {
            if (TERMINAL.includes(d.status))
                continue;
            try {
                this.advance(d);
            }
            catch (e) {
                // A world change under the deployment (service deleted, listener gone) fails it like AWS
                // would; if even the cleanup fails, the deployment still ends rather than break the clock.
                if (TERMINAL.includes(d.status))
                    continue;
                try {
                    this.fail(d, 'ECS_UPDATE_ERROR', `The ECS service cannot be updated due to an unexpected error: ${e.message}`);
                }
                catch {
                    this.finish(d, 'Failed', { code: 'INTERNAL_ERROR', message: e.message });
                }
            }
        }
    }
    group(d) {
        return this.store.group(d.applicationName, d.deploymentGroupName);
    }
    advance(d) {
        const now = this.now();
        const g = this.group(d);
        const { clusterName, serviceName } = g.ecsService;
        switch (d.phase) {
            case 'created':
                this.start(d, g);
                return;
            case 'installing': {
                const counts = this.ecs.counts(clusterName, serviceName, d.green.taskSetId);
                if (this.failedTooOften(d, counts))
                    return;
                if (counts.desired === 0 || counts.healthy >= counts.desired) {
                    this.event(d, 'Install', 'Succeeded');
                    this.event(d, 'AfterInstall', 'Succeeded');
                    this.allowTestTraffic(d, g);
                    return;
                }
                if (now >= d.installDeadline) {
                    this.fail(d, 'ECS_UPDATE_ERROR', 'The ECS service cannot be updated due to an unexpected error: The deployment timed out while waiting for the replacement task set to become healthy. This time out period is 60 minutes.');
                }
                return;
            }
            case 'ready':
                if (now >= d.readyUntil) {
                    this.finish(d, 'Stopped', {
                        code: 'TIMEOUT',
                        message: 'The deployment timed out while waiting for ContinueDeployment to start rerouting traffic.',
                    });
                    this.restore(d, g);
                }
                return;
            case 'shifting': {
                const counts = this.ecs.counts(clusterName, serviceName, d.green.taskSetId);
                if (this.failedTooOften(d, counts))
                    return;
                const plan = trafficPlan(d.routing);
                let next = d.stepIndex;
                while (next + 1 < plan.length && now - d.shiftStartedAt >= plan[next + 1].afterMs)
                    next++;
                if (next !== d.stepIndex)
                    this.applyStep(d, g, next);
                return;
            }
            case 'terminationWait': {
                const counts = this.ecs.counts(clusterName, serviceName, d.green.taskSetId);
                if (this.failedTooOften(d, counts))
                    return;
                if (now >= d.terminateAt)
                    this.terminateBlue(d, g);
                return;
            }
            default:
                return;
        }
    }
    /** Checks the AppSpec against ECS and starts the replacement task set in the idle target group. */
    start(d, g) {
        const now = this.now();
        const spec = d.appSpec;
        const { clusterName, serviceName } = g.ecsService;
        d.status = 'InProgress';
        d.startTime = now;
        d.phase = 'installing';
        d.lastUpdatedAt = now;
        this.event(d, 'BeforeInstall', 'Succeeded');
        this.event(d, 'Install', 'InProgress');
        const cluster = this.world.ecs.findCluster(clusterName);
        const service = cluster && this.world.ecs.findService(cluster, serviceName);
        if (service?.status !== 'ACTIVE') {
            this.fail(d, 'INVALID_ECS_SERVICE', `The ECS service ${serviceName} in cluster ${clusterName} does not exist or is not active.`);
            return;
        }
        const problem = this.appSpecProblem(d);
        if (problem) {
            this.fail(d, 'ECS_UPDATE_ERROR', `The ECS service cannot be updated due to an unexpected error: ${problem}`);
            return;
        }
        const [tgA, tgB] = g.targetGroupPair.targetGroups.map((t) => this.targetGroup(t.name));
        const prod = g.targetGroupPair.prodTrafficRoute.listenerArns[0];
        const weights = this.world.elbv2.forwardWeights(prod);
        const weightOf = (arn) => weights.find((w) => w.TargetGroupArn === arn)?.Weight ?? 0;
        const [blueTg, greenTg] = weightOf(tgB.arn) > weightOf(tgA.arn) ? [tgB, tgA] : [tgA, tgB];
        d.blue = {
            taskSetId: this.ecs.current(clusterName, serviceName),
            targetGroupArn: blueTg.arn,
            targetGroupName: blueTg.name,
            taskDefinition: service.taskDefinition,
        };
        const taskDef = this.world.ecs.findTaskDef(spec.taskDefinition);
        d.green = { targetGroupArn: greenTg.arn, targetGroupName: greenTg.name, taskDefinition: taskDef.arn };
        d.green.taskSetId = this.ecs.start(clusterName, serviceName, {
            taskDefinition: taskDef.arn,
            targetGroupArn: greenTg.arn,
            containerName: spec.containerName,
            containerPort: spec.containerPort,
            networkConfiguration: spec.networkConfiguration,
            platformVersion: spec.platformVersion,
            capacityProviderStrategy: spec.capacityProviderStrategy,
        });
        d.installDeadline = now + INSTALL_TIMEOUT_MS;
    }
    /** The problems ECS reports when CodeDeploy asks it to create the task set (ECS's own wording). */
    appSpecProblem(d) {
        const spec = d.appSpec;
        const td = this.world.ecs.findTaskDef(spec.taskDefinition);
        if (td?.status !== 'ACTIVE') {
            return `TaskDefinition not found: ${spec.taskDefinition} (Service: AmazonECS; Status Code: 400; Error Code: ClientException)`;
        }
        const containers = (td.body.containerDefinitions ?? []);
        const container = containers.find((c) => c.name === spec.containerName);
        if (!container) {
            return `The container ${spec.containerName} does not exist in the task definition. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`;
        }
        if (!(container.portMappings ?? []).some((p) => p.containerPort === spec.containerPort)) {
            return `The container ${spec.containerName} did not have a container port ${spec.containerPort} defined. (Service: AmazonECS; Status Code: 400; Error Code: InvalidParameterException)`;
        }
        return undefined;
    }
    targetGroup(name) {
        for (const tg of this.world.elbv2.targetGroups.values()) {
            if (tg.TargetGroupName === name || tg.TargetGroupArn === name)
                return { arn: tg.TargetGroupArn, name: tg.TargetGroupName };
        }
        throw new Error(`target group ${name} not found`);
    }
    allowTestTraffic(d, g) {
        const test = g.targetGroupPair.testTrafficRoute?.listenerArns ?? [];
        for (const l of test)
            this.route(l, d.blue, d.green, 100);
        d.testRouted = test.length > 0;
        this.event(d, 'AllowTestTraffic', test.length > 0 ? 'Succeeded' : 'Skipped');
        this.event(d, 'AfterAllowTestTraffic', 'Succeeded');
        const ready = g.blueGreen.deploymentReadyOption;
        if (ready?.actionOnTimeout === 'STOP_DEPLOYMENT') {
            d.status = 'Ready';
            d.phase = 'ready';
            d.readyUntil = this.now() + (ready.waitTimeInMinutes ?? 0) * MINUTE;
            d.lastUpdatedAt = this.now();
            return;
        }
        this.beginShift(d, g);
    }
    beginShift(d, g) {
        d.status = 'InProgress';
        d.phase = 'shifting';
        d.shiftStartedAt = this.now();
        this.event(d, 'BeforeAllowTraffic', 'Succeeded');
        this.event(d, 'AllowTraffic', 'InProgress');
        this.applyStep(d, g, 0);
    }
    applyStep(d, g, index) {
        const step = trafficPlan(d.routing)[index];
        d.stepIndex = index;
        d.greenPercent = step.percent;
        d.lastUpdatedAt = this.now();
        for (const l of g.targetGroupPair.prodTrafficRoute.listenerArns)
            this.route(l, d.blue, d.green, step.percent);
        if (step.percent < 100)
            return;
        // All production traffic is on green: the service now runs the new task definition, and the
        // original task set lives on through the termination wait so a rollback stays instant.
        const { clusterName, serviceName } = g.ecsService;
        this.ecs.serve(clusterName, serviceName, d.green.taskSetId);
        d.promoted = true;
        this.event(d, 'AllowTraffic', 'Succeeded');
        this.event(d, 'AfterAllowTraffic', 'Succeeded');
        d.phase = 'terminationWait';
        const wait = g.blueGreen.terminateBlueInstancesOnDeploymentSuccess?.terminationWaitTimeInMinutes ?? 0;
        d.terminateAt = this.now() + wait * MINUTE;
        if (wait === 0)
            this.terminateBlue(d, g);
    }
    terminateBlue(d, g) {
        const { clusterName, serviceName } = g.ecsService;
        this.ecs.complete(clusterName, serviceName, d.green.taskSetId);
        g.lastSuccessfulDeployment = d.deploymentId;
        this.finish(d, 'Succeeded');
    }
    failedTooOften(d, counts) {
        if (counts.failed < engine_failureThreshold(counts.desired))
            return false;
        const reason = counts.lastStoppedReason ?? 'tasks stopped';
        if (/health/i.test(reason)) {
            this.fail(d, 'HEALTH_CONSTRAINTS', `The deployment failed because ${counts.failed} tasks of the replacement task set failed health checks in target group ${d.green.targetGroupName} (last: ${reason}).`);
        }
        else {
            this.fail(d, 'ECS_UPDATE_ERROR', `The ECS service cannot be updated due to an unexpected error: ${counts.failed} tasks of the replacement task set stopped (last: ${reason}).`);
        }
        return true;
    }
    fail(d, code, message) {
        const running = d.lifecycle.find((e) => e.status === 'InProgress');
        if (running)
            this.event(d, running.lifecycleEventName, 'Failed');
        this.finish(d, 'Failed', { code, message });
        const g = this.group(d);
        if (d.autoRollback.enabled && d.autoRollback.events.includes('DEPLOYMENT_FAILURE')) {
            this.rollback(d, g);
        }
        else if (d.greenPercent === 0) {
            // Nothing reached production: the replacement is simply discarded.
            this.restore(d, g);
        }
    }
    /** StopDeployment: Stopped, and with rollback, traffic back to the original task set. */
    stop(d, rollback) {
        if (TERMINAL.includes(d.status)) {
            throw new AwsError('DeploymentAlreadyCompletedException', `The deployment ${d.deploymentId} has already completed.`);
        }
        this.finish(d, 'Stopped', {
            code: 'MANUAL_STOP',
            message: 'The deployment was stopped by a StopDeployment request.',
        });
        const g = this.group(d);
        if (rollback && (d.greenPercent > 0 || d.promoted)) {
            const r = this.rollback(d, g);
            return {
                status: 'Succeeded',
                statusMessage: `Deployment ${d.deploymentId} stopped and rolled back by ${r.deploymentId}.`,
            };
        }
        if (rollback || d.greenPercent === 0)
            this.restore(d, g);
        return { status: 'Succeeded', statusMessage: `Deployment ${d.deploymentId} stopped.` };
    }
    /** ContinueDeployment: READY_WAIT starts rerouting, TERMINATION_WAIT ends the wait for blue's removal. */
    continue(d, waitType) {
        if (waitType === 'READY_WAIT') {
            if (d.status !== 'Ready') {
                throw new AwsError('DeploymentIsNotInReadyStateException', `The deployment ${d.deploymentId} is not in the Ready state.`);
            }
            this.beginShift(d, this.group(d));
            return;
        }
        if (waitType === 'TERMINATION_WAIT') {
            if (d.phase !== 'terminationWait') {
                throw new AwsError('InvalidDeploymentStatusException', `The deployment ${d.deploymentId} is not waiting to terminate the original task set.`);
            }
            this.terminateBlue(d, this.group(d));
            return;
        }
        throw new AwsError('InvalidDeploymentWaitTypeException', `The wait type ${waitType} is invalid; use READY_WAIT or TERMINATION_WAIT.`);
    }
    /**
     * A rollback deployment (creator autoRollback): production and test traffic back on blue, the
     * service back on the original task definition, the replacement task set removed.
     */
    rollback(d, g) {
        const r = this.create(g, {
            applicationName: d.applicationName,
            deploymentGroupName: d.deploymentGroupName,
            deploymentConfigName: d.deploymentConfigName,
            routing: { type: 'AllAtOnce' },
            revision: d.revision,
            appSpec: d.appSpec,
            creator: 'autoRollback',
            description: `Rollback of ${d.deploymentId}`,
            autoRollback: { enabled: false, events: [] },
            rollbackInfo: { rollbackTriggeringDeploymentId: d.deploymentId },
            blue: d.blue,
            green: d.green,
        });
        r.status = 'InProgress';
        r.startTime = this.now();
        this.restore(d, g);
        for (const e of r.lifecycle)
            e.status = 'Succeeded';
        this.finish(r, 'Succeeded');
        d.rollbackInfo = {
            rollbackDeploymentId: r.deploymentId,
            rollbackMessage: `Deployment ${d.deploymentId} was rolled back by ${r.deploymentId}: traffic is back on the original task set.`,
        };
        g.lastAttemptedDeployment = d.deploymentId;
        return r;
    }
    /** Undoes whatever the deployment changed: listeners, the service's primary task set, the green task set. */
    restore(d, g) {
        const { clusterName, serviceName } = g.ecsService;
        // Only listeners the deployment moved are rewritten, so an untouched one keeps its exact shape.
        if (d.blue && d.green && (d.greenPercent > 0 || d.promoted)) {
            for (const l of g.targetGroupPair.prodTrafficRoute.listenerArns)
                this.route(l, d.blue, d.green, 0);
        }
        if (d.blue && d.green && d.testRouted) {
            for (const l of g.targetGroupPair.testTrafficRoute?.listenerArns ?? [])
                this.route(l, d.blue, d.green, 0);
        }
        d.greenPercent = 0;
        d.testRouted = false;
        if (d.promoted && d.blue?.taskSetId)
            this.ecs.serve(clusterName, serviceName, d.blue.taskSetId);
        d.promoted = false;
        if (d.green?.taskSetId)
            this.ecs.remove(clusterName, serviceName, d.green.taskSetId);
    }
    /** GetDeploymentTarget's taskSetsInfo: both task sets with their counts and traffic share. */
    taskSetsInfo(d, g) {
        const { clusterName, serviceName } = g.ecsService;
        const sides = [
            [d.blue, 'Blue', 100 - d.greenPercent, !d.promoted],
            [d.green, 'Green', d.greenPercent, d.promoted],
        ];
        return sides.flatMap(([side, label, weight, primary]) => {
            if (!side?.taskSetId)
                return [];
            let counts;
            try {
                counts = this.ecs.counts(clusterName, serviceName, side.taskSetId);
            }
            catch {
                return []; // removed
            }
            return [
                {
                    identifer: side.taskSetId,
                    desiredCount: counts.desired,
                    pendingCount: counts.pending,
                    runningCount: counts.running,
                    status: primary ? 'PRIMARY' : 'ACTIVE',
                    trafficWeight: weight,
                    targetGroup: { name: side.targetGroupName },
                    taskSetLabel: label,
                },
            ];
        });
    }
    route(listenerArn, blue, green, greenPercent) {
        this.world.elbv2.setForwardWeights(listenerArn, [
            { TargetGroupArn: blue.targetGroupArn, Weight: 100 - greenPercent },
            { TargetGroupArn: green.targetGroupArn, Weight: greenPercent },
        ]);
    }
    finish(d, status, error) {
        d.status = status;
        d.phase = 'done';
        d.completeTime = this.now();
        d.lastUpdatedAt = d.completeTime;
        if (error)
            d.errorInformation = error;
        for (const e of d.lifecycle)
            if (e.status === 'Pending' || e.status === 'InProgress')
                e.status = status === 'Succeeded' ? 'Succeeded' : 'Skipped';
    }
    /** Records a lifecycle event transition. Hook events invoke no Lambda here, so they succeed at once. */
    event(d, name, status) {
        const e = d.lifecycle.find((x) => x.lifecycleEventName === name);
        if (!e)
            return;
        const now = this.now();
        if (e.startTime === undefined)
            e.startTime = now;
        e.status = status;
        if (status !== 'InProgress')
            e.endTime = now;
        d.lastUpdatedAt = now;
    }
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/seed.ts

function listenerArn(world, ref) {
    if (ref.startsWith('arn:'))
        return ref;
    const [lbName, port] = ref.split(':');
    for (const l of world.elbv2.listeners.values()) {
        const lb = world.elbv2.loadBalancers.get(l.LoadBalancerArn);
        if (lb?.LoadBalancerName === lbName && String(l.Port) === port)
            return l.ListenerArn;
    }
    throw new Error(`world file: codedeploy listener '${ref}' not found (use an ARN or "<load balancer>:<port>")`);
}
async function seedCodeDeploy(world, handlers, spec) {
    const cd = spec.codedeploy;
    if (!cd)
        return;
    const ctx = {
        clock: world.clock,
        region: world.region,
        accountId: world.accountId,
        host: world.host,
        world,
    };
    const call = async (op, input, where) => {
        try {
            await handlers[op](input, ctx);
        }
        catch (e) {
            const code = e instanceof AwsError ? `${e.code}: ` : '';
            throw new Error(`world file: codedeploy ${where}: ${code}${e.message}`);
        }
    };
    for (const app of cd.applications ?? []) {
        await call('CreateApplication', { applicationName: app.name, computePlatform: 'ECS' }, `application ${app.name}`);
        for (const g of app.deploymentGroups ?? []) {
            const rollback = g.autoRollback !== false;
            await call('CreateDeploymentGroup', {
                applicationName: app.name,
                deploymentGroupName: g.name,
                deploymentConfigName: g.deploymentConfigName,
                serviceRoleArn: `arn:aws:iam::${world.accountId}:role/codedeploy-ecs`,
                deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
                ecsServices: [{ clusterName: g.cluster ?? 'default', serviceName: g.service }],
                loadBalancerInfo: {
                    targetGroupPairInfoList: [
                        {
                            targetGroups: (g.targetGroups ?? []).map((name) => ({ name })),
                            prodTrafficRoute: { listenerArns: [listenerArn(world, g.prodListener)] },
                            ...(g.testListener && {
                                testTrafficRoute: { listenerArns: [listenerArn(world, g.testListener)] },
                            }),
                        },
                    ],
                },
                blueGreenDeploymentConfiguration: {
                    terminateBlueInstancesOnDeploymentSuccess: {
                        action: 'TERMINATE',
                        terminationWaitTimeInMinutes: g.terminationWaitMinutes ?? 0,
                    },
                    deploymentReadyOption: g.readyWaitMinutes === undefined
                        ? { actionOnTimeout: 'CONTINUE_DEPLOYMENT' }
                        : { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: g.readyWaitMinutes },
                },
                autoRollbackConfiguration: {
                    enabled: rollback,
                    events: rollback ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] : [],
                },
            }, `deployment group ${app.name}/${g.name}`);
        }
    }
}

;// CONCATENATED MODULE: ./emulator/src/codedeploy/index.ts
// CodeDeploy in the emulator (ECS blue/green): the API handlers over one store and engine per
// emulator world, the engine ticking on the world's clock.






/** Engine resolution: traffic steps and health checks land on whole emulated seconds. */
const TICK_MS = 1000;
function codedeployParts(ctx) {
    const world = worldOf(ctx);
    return world.slot('codedeploy', () => {
        const store = new CodeDeployStore();
        const engine = new CodeDeployEngine(world, store, ecsTaskSets(world));
        world.every(TICK_MS, () => engine.tick());
        return { store, engine, snapshot: () => store.snapshot() };
    });
}
const codedeployHandlers = createCodeDeployApi(codedeployParts);
/** World files: `codedeploy.applications[].deploymentGroups[]` (see seed.ts). */
function seedCodeDeployGroups(world, spec) {
    return seedCodeDeploy(world, codedeployHandlers, spec);
}

;// CONCATENATED MODULE: ./emulator/src/ecr/manifest.ts
// Image manifests as ECR stores them: which media types it accepts, how a manifest's media type is
// decided, which blobs and child manifests it references, and its digest. Pure functions; storage
// and the tag rules live in store.ts.

const MEDIA_TYPES = {
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    dockerConfig: 'application/vnd.docker.container.image.v1+json',
    dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ociConfig: 'application/vnd.oci.image.config.v1+json',
};
/** Media types ECR accepts for a pushed manifest (schema1 is not modelled). */
const SUPPORTED_MANIFEST_TYPES = [
    MEDIA_TYPES.dockerManifest,
    MEDIA_TYPES.dockerList,
    MEDIA_TYPES.ociManifest,
    MEDIA_TYPES.ociIndex,
];
class ManifestError extends Error {
}
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
function isDigest(ref) {
    return DIGEST_RE.test(ref);
}
function sha256Digest(data) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(data).digest('hex')}`;
}
/**
 * Parses a manifest and decides its media type: the declared `mediaType` field, else the type the
 * client sent (Content-Type or imageManifestMediaType), else inferred from the shape as OCI does.
 */
function parseManifest(raw, declaredType) {
    let doc;
    try {
        doc = JSON.parse(raw.toString());
    }
    catch {
        throw new ManifestError('manifest is not valid JSON');
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        throw new ManifestError('manifest is not an object');
    if (doc.schemaVersion !== 2)
        throw new ManifestError(`unsupported schemaVersion ${String(doc.schemaVersion)}`);
    const inner = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
    const declared = declaredType && SUPPORTED_MANIFEST_TYPES.includes(declaredType) ? declaredType : undefined;
    if (inner && declared && inner !== declared) {
        throw new ManifestError(`mediaType ${inner} in the manifest does not match ${declared}`);
    }
    const mediaType = inner ?? declared ?? (Array.isArray(doc.manifests) ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.ociManifest);
    if (!SUPPORTED_MANIFEST_TYPES.includes(mediaType))
        throw new ManifestError(`unsupported media type ${mediaType}`);
    const isList = mediaType === MEDIA_TYPES.dockerList || mediaType === MEDIA_TYPES.ociIndex;
    const subject = descriptor(doc.subject, 'subject', true);
    if (isList) {
        if (!Array.isArray(doc.manifests))
            throw new ManifestError('manifests must be a list');
        return {
            mediaType,
            layers: [],
            manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)),
            subjectDigest: subject?.digest,
        };
    }
    const config = descriptor(doc.config, 'config');
    if (!Array.isArray(doc.layers))
        throw new ManifestError('layers must be a list');
    return {
        mediaType,
        config,
        layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
        manifests: [],
        artifactMediaType: config.mediaType,
        subjectDigest: subject?.digest,
    };
}
function descriptor(value, where, optional = false) {
    if (value === undefined && optional)
        return undefined;
    const d = value;
    if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
        throw new ManifestError(`${where} needs a sha256 digest`);
    }
    if (typeof d.size !== 'number' || d.size < 0)
        throw new ManifestError(`${where} needs a size`);
    return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}
/** ECR's imageSizeInBytes: the compressed layers of an image (for an index, its manifests' sizes). */
function imageSize(m) {
    const parts = m.manifests.length > 0 ? m.manifests : m.layers;
    return parts.reduce((sum, d) => sum + d.size, 0);
}
/**
 * Whether a stored manifest of `mediaType` may be served for an Accept header. No header (or a
 * wildcard) accepts anything; otherwise the type must be listed, as a registry refuses to hand an OCI
 * manifest to a client that only speaks docker schema2.
 */
function accepts(acceptHeader, mediaType) {
    const values = (Array.isArray(acceptHeader) ? acceptHeader.join(',') : (acceptHeader ?? ''))
        .split(',')
        .map((v) => v.split(';')[0].trim())
        .filter(Boolean);
    if (values.length === 0)
        return true;
    return values.some((v) => v === mediaType || v === '*/*' || v === 'application/*');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
var external_node_fs_default = /*#__PURE__*/__webpack_require__.n(external_node_fs_);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./emulator/src/ecr/blobs.ts
// Content-addressed blob storage for the registry and upload sessions (chunked, monolithic, and the
// ECR API's layer-part uploads). Small blobs stay in memory; anything larger than SPILL_BYTES goes to
// a temp dir so that pushing real images keeps the emulator's memory flat. Which repository may see
// which blob is decided by the store (store.ts), not here.





/** Blobs (and uploads) above this size live on disk. */
const SPILL_BYTES = 1024 * 1024;
// Temp dirs of every store, removed when the process exits even if nobody called clear().
const liveDirs = new Set();
let exitHook = false;
function track(dir) {
    liveDirs.add(dir);
    if (exitHook)
        return;
    exitHook = true;
    process.once('exit', () => {
        for (const d of liveDirs)
            external_node_fs_default().rmSync(d, { recursive: true, force: true });
    });
}
class DigestMismatchError extends Error {
}
class BlobStore {
    blobs = new Map();
    uploads = new Map();
    dir;
    /** Bytes received into blobs and bytes served, for benchmarks ("0 bytes moved" on a re-tag). */
    stats = { bytesReceived: 0, bytesServed: 0 };
    has(digest) {
        return this.blobs.has(digest);
    }
    /** Whether a blob was spilled to the temp dir rather than kept in memory. */
    onDisk(digest) {
        return this.blobs.get(digest)?.file !== undefined;
    }
    size(digest) {
        return this.blobs.get(digest)?.size;
    }
    /** Stores `data` under its own sha256 digest and returns that digest. */
    putBuffer(digest, data) {
        if (this.blobs.has(digest))
            return;
        if (data.length > SPILL_BYTES) {
            const file = this.tempFile();
            external_node_fs_default().writeFileSync(file, data);
            this.blobs.set(digest, { size: data.length, file });
        }
        else {
            this.blobs.set(digest, { size: data.length, data });
        }
    }
    read(digest) {
        const b = this.blobs.get(digest);
        if (!b)
            return undefined;
        return b.data ?? external_node_fs_default().readFileSync(b.file);
    }
    stream(digest) {
        const b = this.blobs.get(digest);
        if (!b)
            return undefined;
        this.stats.bytesServed += b.size;
        return b.data ? external_node_stream_.Readable.from([b.data]) : external_node_fs_default().createReadStream(b.file);
    }
    startUpload(repository, now) {
        const session = {
            id: (0,external_node_crypto_.randomUUID)(),
            repository,
            size: 0,
            hash: (0,external_node_crypto_.createHash)('sha256'),
            chunks: [],
            startedAt: now,
        };
        this.uploads.set(session.id, session);
        return session;
    }
    upload(id) {
        return this.uploads.get(id);
    }
    append(session, chunk) {
        if (chunk.length === 0)
            return;
        session.hash.update(chunk);
        session.size += chunk.length;
        this.stats.bytesReceived += chunk.length;
        if (session.file) {
            external_node_fs_default().appendFileSync(session.file, chunk);
        }
        else if (session.size > SPILL_BYTES) {
            session.file = this.tempFile();
            external_node_fs_default().writeFileSync(session.file, Buffer.concat([...session.chunks, chunk]));
            session.chunks = [];
        }
        else {
            session.chunks.push(chunk);
        }
    }
    /** Completes an upload: verifies the digest the client claims and moves the bytes into the store. */
    finish(session, expectedDigest) {
        this.uploads.delete(session.id);
        const actual = `sha256:${session.hash.digest('hex')}`;
        if (actual !== expectedDigest) {
            if (session.file)
                external_node_fs_default().rmSync(session.file, { force: true });
            throw new DigestMismatchError(`digest ${expectedDigest} does not match the uploaded content (${actual})`);
        }
        if (this.blobs.has(actual)) {
            if (session.file)
                external_node_fs_default().rmSync(session.file, { force: true });
        }
        else if (session.file) {
            this.blobs.set(actual, { size: session.size, file: session.file });
        }
        else {
            this.blobs.set(actual, { size: session.size, data: Buffer.concat(session.chunks) });
        }
        return actual;
    }
    cancel(id) {
        const s = this.uploads.get(id);
        if (!s)
            return false;
        if (s.file)
            external_node_fs_default().rmSync(s.file, { force: true });
        return this.uploads.delete(id);
    }
    /** Drops every blob and upload, and the temp dir. */
    clear() {
        this.blobs.clear();
        this.uploads.clear();
        this.stats.bytesReceived = 0;
        this.stats.bytesServed = 0;
        if (this.dir) {
            external_node_fs_default().rmSync(this.dir, { recursive: true, force: true });
            liveDirs.delete(this.dir);
        }
        this.dir = undefined;
    }
    tempFile() {
        if (!this.dir) {
            this.dir = external_node_fs_default().mkdtempSync(external_node_path_default().join(external_node_os_default().tmpdir(), 'cendence-ecr-'));
            track(this.dir);
        }
        return external_node_path_default().join(this.dir, (0,external_node_crypto_.randomUUID)());
    }
}

;// CONCATENATED MODULE: ./emulator/src/ecr/store.ts
// ECR's state and its rules, shared by the ECR API (api.ts) and the registry endpoint (registry.ts):
// repositories, images (manifest + tags), which blobs each repository holds, tag mutability, scans,
// and the registry passwords handed out by GetAuthorizationToken. Both doors push through
// putManifest() so that a docker push and a PutImage obey the same immutable-tag rule.



const TAG_MUTABILITIES = [
    'MUTABLE',
    'IMMUTABLE',
    'IMMUTABLE_WITH_EXCLUSION',
    'MUTABLE_WITH_EXCLUSION',
];
/** The ECR API exception for each refusal (PutImage's, and what CloudTrail would log for a docker push). */
const REFUSAL_API_CODES = {
    TAG_IMMUTABLE: 'ImageTagAlreadyExistsException',
    IMAGE_EXISTS: 'ImageAlreadyExistsException',
    BLOB_UNKNOWN: 'LayersNotFoundException',
    REFERENCED_IMAGE_UNKNOWN: 'ReferencedImagesNotFoundException',
    MANIFEST_INVALID: 'InvalidParameterException',
    DIGEST_MISMATCH: 'ImageDigestDoesNotMatchException',
};
class PushRefused extends Error {
    reason;
    constructor(reason, message) {
        super(message);
        this.reason = reason;
    }
}
const TOKEN_TTL_MS = 12 * 60 * 60 * 1000;
const DOWNLOAD_URL_TTL_MS = 60 * 60 * 1000;
class EcrStore {
    repositories = new Map();
    blobs = new BlobStore();
    tokens = new Map();
    downloads = new Map();
    /** Findings set ahead of a scan (world file or tests), keyed by `<repo>@<digest>` or `<repo>:<tag>`. */
    presetFindings = new Map();
    /** Frees the blobs (and their temp dir); called when the world is discarded. */
    dispose() {
        this.blobs.clear();
    }
    /**
     * What GET /_cendence/state shows: repositories with their settings, tags and image digests, and the
     * blob bytes the registry received and served (a re-tag moves none).
     */
    snapshot() {
        const repositories = [...this.repositories.values()].map((r) => ({
            name: r.name,
            uri: r.uri,
            imageTagMutability: r.mutability,
            scanOnPush: r.scanOnPush,
            images: [...r.images.values()].map((img) => ({
                digest: img.digest,
                tags: tagsOf(r, img.digest),
                mediaType: img.mediaType,
                size: img.size,
                pushedAt: new Date(img.pushedAt).toISOString(),
            })),
        }));
        return {
            repositories,
            blobBytesReceived: this.blobs.stats.bytesReceived,
            blobBytesServed: this.blobs.stats.bytesServed,
        };
    }
    // ---- repositories ----
    createRepository(ctx, opts) {
        const repo = {
            name: opts.name,
            arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${opts.name}`,
            registryId: ctx.accountId,
            uri: `${ctx.host}/${opts.name}`,
            createdAt: ctx.clock.now(),
            mutability: opts.mutability ?? 'MUTABLE',
            exclusionFilters: opts.exclusionFilters ?? [],
            scanOnPush: opts.scanOnPush ?? false,
            encryption: opts.encryption ?? { encryptionType: 'AES256' },
            resourceTags: opts.tags ?? [],
            images: new Map(),
            tags: new Map(),
            blobs: new Set(),
        };
        this.repositories.set(opts.name, repo);
        return repo;
    }
    isTagImmutable(repo, tag) {
        const excluded = repo.exclusionFilters.some((f) => wildcard(f).test(tag));
        switch (repo.mutability) {
            case 'IMMUTABLE':
                return true;
            case 'IMMUTABLE_WITH_EXCLUSION':
                return !excluded;
            case 'MUTABLE_WITH_EXCLUSION':
                return excluded;
            default:
                return false;
        }
    }
    // ---- images ----
    /** Finds an image by tag or digest (both given: they must agree). */
    findImage(repo, id) {
        const byTag = id.imageTag !== undefined ? repo.tags.get(id.imageTag) : undefined;
        if (id.imageTag !== undefined && !byTag)
            return undefined;
        const digest = id.imageDigest ?? byTag;
        if (!digest || (byTag && byTag !== digest))
            return undefined;
        return repo.images.get(digest);
    }
    /**
     * Stores a manifest and points `tag` at it. Refuses what ECR refuses: a tag that would move in an
     * immutable repository, an identical re-put (API only: a registry push of the same image is a no-op),
     * a manifest whose blobs or child manifests are not in the repository.
     */
    putManifest(repo, raw, opts) {
        let parsed;
        try {
            parsed = parseManifest(raw, opts.mediaType);
        }
        catch (e) {
            throw new PushRefused('MANIFEST_INVALID', e.message);
        }
        const digest = sha256Digest(raw);
        if (opts.digest && opts.digest !== digest) {
            throw new PushRefused('DIGEST_MISMATCH', `The image digest '${opts.digest}' does not match '${digest}'.`);
        }
        const existing = repo.images.get(digest);
        const tag = opts.tag;
        if (tag !== undefined) {
            const current = repo.tags.get(tag);
            if (current === digest) {
                if (opts.via === 'api') {
                    throw new PushRefused('IMAGE_EXISTS', `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`);
                }
                return { image: existing, created: false };
            }
            if (current !== undefined && this.isTagImmutable(repo, tag)) {
                throw new PushRefused('TAG_IMMUTABLE', `The image tag '${tag}' already exists in the '${repo.name}' repository and cannot be overwritten because the tag is immutable.`);
            }
        }
        else if (existing && opts.via === 'api') {
            throw new PushRefused('IMAGE_EXISTS', `Image with digest '${digest}' already exists in the repository with name '${repo.name}' in registry with id '${repo.registryId}'`);
        }
        if (!existing)
            this.checkReferences(repo, parsed);
        const image = existing ?? {
            digest,
            manifest: raw,
            mediaType: parsed.mediaType,
            parsed,
            size: imageSize(parsed),
            pushedAt: opts.now,
        };
        if (!existing) {
            repo.images.set(digest, image);
            if (repo.scanOnPush)
                this.scan(repo, image, opts.now, tag);
        }
        if (tag !== undefined)
            repo.tags.set(tag, digest);
        return { image, created: !existing };
    }
    checkReferences(repo, parsed) {
        const missingBlobs = [parsed.config, ...parsed.layers]
            .filter((d) => d !== undefined)
            .filter((d) => !repo.blobs.has(d.digest) || !this.blobs.has(d.digest));
        if (missingBlobs.length > 0) {
            throw new PushRefused('BLOB_UNKNOWN', `blob unknown to registry: ${missingBlobs[0].digest}`);
        }
        const missingChildren = parsed.manifests.filter((d) => !repo.images.has(d.digest));
        if (missingChildren.length > 0) {
            throw new PushRefused('REFERENCED_IMAGE_UNKNOWN', `manifest unknown to registry: ${missingChildren[0].digest} is referenced but not in the repository`);
        }
    }
    /** Removes an image and all its tags. */
    deleteImage(repo, digest) {
        const tags = tagsOf(repo, digest);
        for (const t of tags)
            repo.tags.delete(t);
        repo.images.delete(digest);
        return tags;
    }
    // ---- blobs ----
    /** A blob this repository may serve (pushed to or mounted into it). */
    hasBlob(repo, digest) {
        return repo.blobs.has(digest) && this.blobs.has(digest);
    }
    linkBlob(repo, digest) {
        repo.blobs.add(digest);
    }
    // ---- scans ----
    presetScanFindings(repositoryName, ref, counts) {
        this.presetFindings.set(`${repositoryName}${isDigest(ref) ? '@' : ':'}${ref}`, counts);
    }
    /**
     * A synthetic scan that completes at once. Findings come from presetScanFindings() when set, else
     * a deterministic handful of MEDIUM/LOW/INFORMATIONAL derived from the digest (never CRITICAL or
     * HIGH, so a severity gate passes unless a test asks otherwise).
     */
    scan(repo, image, now, tag) {
        const tags = tag ? [tag, ...tagsOf(repo, image.digest)] : tagsOf(repo, image.digest);
        const preset = this.presetFindings.get(`${repo.name}@${image.digest}`) ??
            tags.map((t) => this.presetFindings.get(`${repo.name}:${t}`)).find((c) => c !== undefined);
        const hex = image.digest.slice('sha256:'.length);
        const counts = preset ?? {
            MEDIUM: Number.parseInt(hex.slice(0, 2), 16) % 3,
            LOW: Number.parseInt(hex.slice(2, 4), 16) % 5,
            INFORMATIONAL: Number.parseInt(hex.slice(4, 6), 16) % 4,
        };
        image.scan = {
            status: 'COMPLETE',
            completedAt: now,
            counts: Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0)),
        };
        return image.scan;
    }
    // ---- registry credentials ----
    /** A download signature for one blob, valid 1 h (GetDownloadUrlForLayer's presigned URL). */
    signDownload(repositoryName, digest, now) {
        const signature = (0,external_node_crypto_.randomBytes)(24).toString('hex');
        this.downloads.set(signature, { repositoryName, digest, expiresAt: now + DOWNLOAD_URL_TTL_MS });
        return signature;
    }
    checkDownloadSignature(signature, repositoryName, digest, now) {
        const d = this.downloads.get(signature);
        return d !== undefined && d.repositoryName === repositoryName && d.digest === digest && now < d.expiresAt;
    }
    issueToken(ctx) {
        const token = {
            password: (0,external_node_crypto_.randomBytes)(48).toString('base64'),
            expiresAt: ctx.clock.now() + TOKEN_TTL_MS,
        };
        this.tokens.set(token.password, token);
        return token;
    }
    /**
     * Checks a `Basic base64(AWS:<password>)` header: the token when it was issued and has not expired,
     * `expired` for a known token past its expiry (ECR answers 403 then), else undefined.
     */
    authenticate(authorization, now) {
        const m = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
        if (!m)
            return undefined;
        const decoded = Buffer.from(m[1], 'base64').toString();
        const colon = decoded.indexOf(':');
        if (colon < 0 || decoded.slice(0, colon) !== 'AWS')
            return undefined;
        const token = this.tokens.get(decoded.slice(colon + 1));
        if (!token)
            return undefined;
        return now >= token.expiresAt ? 'expired' : token;
    }
}
/** The tags pointing at an image. */
function tagsOf(repo, digest) {
    return [...repo.tags].filter(([, d]) => d === digest).map(([t]) => t);
}
function wildcard(filter) {
    return new RegExp(`^${filter.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

;// CONCATENATED MODULE: ./emulator/src/ecr/api.ts
// The ECR API (awsJson1_1, target prefix AmazonEC2ContainerRegistry_V20150921): repositories,
// authorization tokens, images, re-tagging by manifest, layer checks and uploads, synthetic scans.
// Handlers validate the decoded input, act on the EcrStore and answer in ECR's shapes and errors.



const REPO_NAME_RE = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
/** ECR's multipart layer upload: parts smaller than this (except the last) are refused. */
const PART_SIZE = 5 * 1024 * 1024;
const api_seconds = (ms) => ms / 1000;
function invalid(message) {
    return new AwsError('InvalidParameterException', message);
}
function requireString(input, field) {
    const v = input?.[field];
    if (typeof v !== 'string' || v.length === 0)
        throw invalid(`${field} must be specified.`);
    return v;
}
function repositoryNotFound(name, registryId) {
    return new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${registryId}'`);
}
function describeImageId(id) {
    return [id.imageDigest && `imageDigest=${id.imageDigest}`, id.imageTag && `imageTag=${id.imageTag}`]
        .filter(Boolean)
        .join(', ');
}
/** Opaque paging: the token is the base64 offset, and must come back unchanged. */
function page(items, input, max = 1000, dflt = 100) {
    const size = input.maxResults ?? dflt;
    if (!Number.isInteger(size) || size < 1 || size > max) {
        throw invalid(`maxResults must be between 1 and ${max}.`);
    }
    let start = 0;
    if (input.nextToken !== undefined) {
        start = Number(Buffer.from(String(input.nextToken), 'base64url').toString());
        if (!Number.isInteger(start) || start < 0)
            throw invalid('Invalid NextToken.');
    }
    const slice = items.slice(start, start + size);
    const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return { items: slice, nextToken: next };
}
/** One made-up finding per counted severity, so `findings` agrees with `findingSeverityCounts`. */
function syntheticFindings(img) {
    const short = img.digest.slice('sha256:'.length, 'sha256:'.length + 8);
    return Object.entries(img.scan?.counts ?? {}).flatMap(([severity, n]) => Array.from({ length: n ?? 0 }, (_, i) => ({
        name: `EMULATED-${severity}-${short}-${i + 1}`,
        description: `Synthetic ${severity.toLowerCase()} finding from the Cendence emulator's scanner.`,
        severity,
        attributes: [{ key: 'package_name', value: 'emulated-package' }],
    })));
}
function repositoryShape(r) {
    return {
        repositoryArn: r.arn,
        registryId: r.registryId,
        repositoryName: r.name,
        repositoryUri: r.uri,
        createdAt: api_seconds(r.createdAt),
        imageTagMutability: r.mutability,
        ...(r.exclusionFilters.length > 0 && {
            imageTagMutabilityExclusionFilters: r.exclusionFilters.map((filter) => ({
                filterType: 'WILDCARD',
                filter,
            })),
        }),
        imageScanningConfiguration: { scanOnPush: r.scanOnPush },
        encryptionConfiguration: r.encryption,
    };
}
/** The ECR API over the store that `storeOf` finds for a call (the emulator world's). */
function createEcrApi(storeOf) {
    const repo = (input, ctx) => {
        const store = storeOf(ctx);
        const name = requireString(input, 'repositoryName');
        const r = store.repositories.get(name);
        if (!r)
            throw repositoryNotFound(name, input.registryId ?? ctx.accountId);
        return r;
    };
    const imageIds = (input, max) => {
        const ids = input.imageIds;
        if (!Array.isArray(ids) || ids.length < 1 || ids.length > max) {
            throw invalid(`imageIds must contain between 1 and ${max} image identifiers.`);
        }
        for (const id of ids) {
            if (!id || (id.imageTag === undefined && id.imageDigest === undefined)) {
                throw invalid('An image identifier needs an imageTag or an imageDigest.');
            }
        }
        return ids;
    };
    const imageDetail = (r, img) => {
        const tags = tagsOf(r, img.digest);
        return {
            registryId: r.registryId,
            repositoryName: r.name,
            imageDigest: img.digest,
            ...(tags.length > 0 && { imageTags: tags }),
            imageSizeInBytes: img.size,
            imagePushedAt: api_seconds(img.pushedAt),
            imageManifestMediaType: img.mediaType,
            ...(img.parsed.artifactMediaType && { artifactMediaType: img.parsed.artifactMediaType }),
            ...(img.parsed.subjectDigest && { subjectManifestDigest: img.parsed.subjectDigest }),
            ...(img.lastPulledAt !== undefined && { lastRecordedPullTime: api_seconds(img.lastPulledAt) }),
            imageStatus: 'ACTIVE',
            ...(img.scan && {
                imageScanStatus: { status: img.scan.status, description: 'The scan was completed successfully.' },
                imageScanFindingsSummary: {
                    imageScanCompletedAt: api_seconds(img.scan.completedAt),
                    vulnerabilitySourceUpdatedAt: api_seconds(img.scan.completedAt),
                    findingSeverityCounts: img.scan.counts,
                },
            }),
        };
    };
    const imageNotFound = (r, id) => new AwsError('ImageNotFoundException', `The image with imageId {${describeImageId(id)}} does not exist within the repository with name '${r.name}' in the registry with id '${r.registryId}'`);
    const tagStatusFilter = (input) => {
        const status = input.filter?.tagStatus ?? 'ANY';
        if (!['TAGGED', 'UNTAGGED', 'ANY'].includes(status))
            throw invalid(`Invalid tagStatus '${status}'.`);
        return (tagged) => status === 'ANY' || (status === 'TAGGED') === tagged;
    };
    return {
        CreateRepository(input, ctx) {
            const store = storeOf(ctx);
            const name = requireString(input, 'repositoryName');
            if (name.length < 2 || name.length > 256 || !REPO_NAME_RE.test(name)) {
                throw invalid(`Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPO_NAME_RE.source.slice(1, -1)}''`);
            }
            const mutability = input.imageTagMutability ?? 'MUTABLE';
            if (!TAG_MUTABILITIES.includes(mutability)) {
                throw invalid(`Invalid parameter at 'imageTagMutability': '${mutability}' is not one of ${TAG_MUTABILITIES}.`);
            }
            const filters = input.imageTagMutabilityExclusionFilters ?? [];
            const withExclusion = mutability.endsWith('_WITH_EXCLUSION');
            if (withExclusion !== filters.length > 0) {
                throw invalid(withExclusion
                    ? `imageTagMutabilityExclusionFilters are required with ${mutability}.`
                    : `imageTagMutabilityExclusionFilters are only allowed with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.`);
            }
            const encryptionType = input.encryptionConfiguration?.encryptionType ?? 'AES256';
            if (!['AES256', 'KMS', 'KMS_DSSE'].includes(encryptionType)) {
                throw invalid(`Invalid encryptionType '${encryptionType}'.`);
            }
            if (encryptionType === 'AES256' && input.encryptionConfiguration?.kmsKey) {
                throw invalid('kmsKey can only be specified with KMS encryption.');
            }
            if (store.repositories.has(name)) {
                throw new AwsError('RepositoryAlreadyExistsException', `The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`);
            }
            const kmsKey = encryptionType === 'AES256'
                ? undefined
                : (input.encryptionConfiguration?.kmsKey ??
                    `arn:aws:kms:${ctx.region}:${ctx.accountId}:alias/aws/ecr`);
            const r = store.createRepository(ctx, {
                name,
                mutability,
                exclusionFilters: filters.map((f) => String(f.filter)),
                scanOnPush: input.imageScanningConfiguration?.scanOnPush === true,
                encryption: { encryptionType, ...(kmsKey && { kmsKey }) },
                tags: input.tags,
            });
            return { repository: repositoryShape(r) };
        },
        DescribeRepositories(input, ctx) {
            const store = storeOf(ctx);
            const names = input.repositoryNames;
            if (names !== undefined) {
                if (input.nextToken !== undefined || input.maxResults !== undefined) {
                    throw invalid('repositoryNames cannot be combined with nextToken or maxResults.');
                }
                const missing = names.find((n) => !store.repositories.has(n));
                if (missing !== undefined)
                    throw repositoryNotFound(missing, input.registryId ?? ctx.accountId);
                return { repositories: names.map((n) => repositoryShape(store.repositories.get(n))) };
            }
            const { items, nextToken } = page([...store.repositories.values()], input);
            return { repositories: items.map(repositoryShape), ...(nextToken && { nextToken }) };
        },
        DeleteRepository(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            if (r.images.size > 0 && input.force !== true) {
                throw new AwsError('RepositoryNotEmptyException', `The repository with name '${r.name}' in registry with id '${r.registryId}' cannot be deleted because it still contains images`);
            }
            store.repositories.delete(r.name);
            return { repository: repositoryShape(r) };
        },
        GetAuthorizationToken(_input, ctx) {
            const store = storeOf(ctx);
            const token = store.issueToken(ctx);
            return {
                authorizationData: [
                    {
                        authorizationToken: Buffer.from(`AWS:${token.password}`).toString('base64'),
                        expiresAt: api_seconds(token.expiresAt),
                        proxyEndpoint: `http://${ctx.host}`,
                    },
                ],
            };
        },
        DescribeImages(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const keep = tagStatusFilter(input);
            if (input.imageIds !== undefined) {
                if (input.nextToken !== undefined || input.maxResults !== undefined) {
                    throw invalid('imageIds cannot be combined with nextToken or maxResults.');
                }
                const found = new Map();
                for (const id of imageIds(input, 100)) {
                    const img = store.findImage(r, id);
                    if (!img)
                        throw imageNotFound(r, id);
                    found.set(img.digest, img);
                }
                return { imageDetails: [...found.values()].map((img) => imageDetail(r, img)) };
            }
            const all = [...r.images.values()].filter((img) => keep(tagsOf(r, img.digest).length > 0));
            const { items, nextToken } = page(all, input);
            return { imageDetails: items.map((img) => imageDetail(r, img)), ...(nextToken && { nextToken }) };
        },
        ListImages(input, ctx) {
            const r = repo(input, ctx);
            const keep = tagStatusFilter(input);
            const ids = [];
            for (const img of r.images.values()) {
                const tags = tagsOf(r, img.digest);
                if (!keep(tags.length > 0))
                    continue;
                if (tags.length === 0)
                    ids.push({ imageDigest: img.digest });
                for (const t of tags)
                    ids.push({ imageDigest: img.digest, imageTag: t });
            }
            const { items, nextToken } = page(ids, input);
            return { imageIds: items, ...(nextToken && { nextToken }) };
        },
        BatchGetImage(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const accepted = input.acceptedMediaTypes;
            const images = [];
            const failures = [];
            for (const id of imageIds(input, 100)) {
                const img = store.findImage(r, id);
                if (!img) {
                    const tagged = id.imageTag !== undefined ? r.tags.get(id.imageTag) : undefined;
                    const mismatch = tagged !== undefined && id.imageDigest !== undefined && tagged !== id.imageDigest;
                    failures.push({
                        imageId: id,
                        failureCode: mismatch ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound',
                        failureReason: mismatch ? 'Invalid image tag for image digest' : 'Requested image not found',
                    });
                }
                else if (accepted && !accepted.includes(img.mediaType)) {
                    failures.push({
                        imageId: id,
                        failureCode: 'UnsupportedImageType',
                        failureReason: `Requested media type ${img.mediaType} is not among the accepted media types`,
                    });
                }
                else {
                    images.push({
                        registryId: r.registryId,
                        repositoryName: r.name,
                        imageId: { imageDigest: img.digest, ...(id.imageTag !== undefined && { imageTag: id.imageTag }) },
                        imageManifest: img.manifest.toString(),
                        imageManifestMediaType: img.mediaType,
                    });
                }
            }
            return { images, failures };
        },
        PutImage(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const manifest = requireString(input, 'imageManifest');
            const tag = input.imageTag;
            if (tag !== undefined && !TAG_RE.test(tag))
                throw invalid(`Invalid parameter at 'imageTag': '${tag}'.`);
            try {
                const { image } = store.putManifest(r, Buffer.from(manifest), {
                    mediaType: input.imageManifestMediaType,
                    tag,
                    digest: input.imageDigest,
                    now: ctx.clock.now(),
                    via: 'api',
                });
                return {
                    image: {
                        registryId: r.registryId,
                        repositoryName: r.name,
                        imageId: { imageDigest: image.digest, ...(tag !== undefined && { imageTag: tag }) },
                        imageManifest: image.manifest.toString(),
                        imageManifestMediaType: image.mediaType,
                    },
                };
            }
            catch (e) {
                if (!(e instanceof PushRefused))
                    throw e;
                const message = e.reason === 'MANIFEST_INVALID'
                    ? `Invalid parameter at 'imageManifest' failed to satisfy constraint: '${e.message}'`
                    : e.message;
                throw new AwsError(REFUSAL_API_CODES[e.reason], message);
            }
        },
        BatchDeleteImage(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const deleted = [];
            const failures = [];
            for (const id of imageIds(input, 100)) {
                const img = store.findImage(r, id);
                if (!img) {
                    failures.push({
                        imageId: id,
                        failureCode: 'ImageNotFound',
                        failureReason: 'Requested image not found',
                    });
                }
                else if (id.imageTag !== undefined && id.imageDigest === undefined) {
                    // Deleting by tag removes the tag; the image goes once it has none left.
                    r.tags.delete(id.imageTag);
                    if (tagsOf(r, img.digest).length === 0)
                        r.images.delete(img.digest);
                    deleted.push({ imageDigest: img.digest, imageTag: id.imageTag });
                }
                else {
                    const tags = store.deleteImage(r, img.digest);
                    if (tags.length === 0)
                        deleted.push({ imageDigest: img.digest });
                    for (const t of tags)
                        deleted.push({ imageDigest: img.digest, imageTag: t });
                }
            }
            return { imageIds: deleted, failures };
        },
        BatchCheckLayerAvailability(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const digests = input.layerDigests;
            if (!Array.isArray(digests) || digests.length < 1 || digests.length > 100) {
                throw invalid('layerDigests must contain between 1 and 100 digests.');
            }
            const layers = [];
            const failures = [];
            for (const d of digests) {
                if (store.hasBlob(r, d)) {
                    layers.push({
                        layerDigest: d,
                        layerAvailability: 'AVAILABLE',
                        layerSize: store.blobs.size(d),
                        mediaType: MEDIA_TYPES.dockerLayer,
                    });
                }
                else {
                    failures.push({
                        layerDigest: d,
                        failureCode: /^sha256:[a-f0-9]{64}$/.test(d) ? 'MissingLayerDigest' : 'InvalidLayerDigest',
                        failureReason: 'Layer digest is not present in the repository',
                    });
                }
            }
            return { layers, failures };
        },
        GetDownloadUrlForLayer(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const digest = requireString(input, 'layerDigest');
            if (!store.hasBlob(r, digest)) {
                throw new AwsError('LayersNotFoundException', `The layer '${digest}' does not exist in the repository.`);
            }
            const signature = store.signDownload(r.name, digest, ctx.clock.now());
            return {
                downloadUrl: `http://${ctx.host}/v2/${r.name}/blobs/${digest}?X-Amz-Expires=3600&X-Amz-Signature=${signature}`,
                layerDigest: digest,
            };
        },
        InitiateLayerUpload(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const session = store.blobs.startUpload(r.name, ctx.clock.now());
            return { uploadId: session.id, partSize: PART_SIZE };
        },
        UploadLayerPart(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const session = store.blobs.upload(requireString(input, 'uploadId'));
            if (!session || session.repository !== r.name) {
                throw new AwsError('UploadNotFoundException', `Upload with id '${input.uploadId}' was not found.`);
            }
            const part = Buffer.from(requireString(input, 'layerPartBlob'), 'base64');
            if (input.partFirstByte !== session.size || input.partLastByte !== session.size + part.length - 1) {
                throw new AwsError('InvalidLayerPartException', `The layer part bytes ${input.partFirstByte}-${input.partLastByte} do not continue the upload at byte ${session.size}.`);
            }
            store.blobs.append(session, part);
            return {
                registryId: r.registryId,
                repositoryName: r.name,
                uploadId: session.id,
                lastByteReceived: session.size - 1,
            };
        },
        CompleteLayerUpload(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const session = store.blobs.upload(requireString(input, 'uploadId'));
            if (!session || session.repository !== r.name) {
                throw new AwsError('UploadNotFoundException', `Upload with id '${input.uploadId}' was not found.`);
            }
            const [digest] = input.layerDigests ?? [];
            if (typeof digest !== 'string')
                throw invalid('layerDigests must contain the layer digest.');
            if (session.size === 0) {
                store.blobs.cancel(session.id);
                throw new AwsError('EmptyUploadException', 'The upload contains no layer parts.');
            }
            if (store.hasBlob(r, digest)) {
                store.blobs.cancel(session.id);
                throw new AwsError('LayerAlreadyExistsException', `The layer '${digest}' already exists in the repository.`);
            }
            try {
                store.blobs.finish(session, digest);
            }
            catch (e) {
                throw new AwsError('InvalidLayerException', e.message);
            }
            store.linkBlob(r, digest);
            return { registryId: r.registryId, repositoryName: r.name, uploadId: session.id, layerDigest: digest };
        },
        StartImageScan(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const id = input.imageId ?? {};
            const img = store.findImage(r, id);
            if (!img)
                throw imageNotFound(r, id);
            const scan = store.scan(r, img, ctx.clock.now());
            return {
                registryId: r.registryId,
                repositoryName: r.name,
                imageId: id,
                imageScanStatus: { status: scan.status, description: 'The scan was completed successfully.' },
            };
        },
        DescribeImageScanFindings(input, ctx) {
            const store = storeOf(ctx);
            const r = repo(input, ctx);
            const id = input.imageId ?? {};
            const img = store.findImage(r, id);
            if (!img)
                throw imageNotFound(r, id);
            if (!img.scan) {
                throw new AwsError('ScanNotFoundException', `Image scan does not exist for the image with '${describeImageId(id)}' in the repository with name '${r.name}' in the registry with id '${r.registryId}'`);
            }
            return {
                registryId: r.registryId,
                repositoryName: r.name,
                imageId: { imageDigest: img.digest, ...(id.imageTag !== undefined && { imageTag: id.imageTag }) },
                imageScanStatus: { status: img.scan.status, description: 'The scan was completed successfully.' },
                imageScanFindings: {
                    imageScanCompletedAt: api_seconds(img.scan.completedAt),
                    vulnerabilitySourceUpdatedAt: api_seconds(img.scan.completedAt),
                    findingSeverityCounts: img.scan.counts,
                    findings: syntheticFindings(img),
                },
            };
        },
    };
}

;// CONCATENATED MODULE: ./emulator/src/ecr/registry.ts



const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const registry_TAG_RE = /^[\w][\w.-]{0,127}$/;
const ROUTE_RE = /^\/v2\/(.+?)\/(blobs\/uploads\/?(.*)|blobs\/([^/]+)|manifests\/([^/]+)|tags\/list)$/;
class RegistryError extends Error {
    status;
    code;
    headers;
    apiCode;
    constructor(status, code, message, headers = {}, 
    /** The ECR API error code the call log shows, when it differs from the registry's. */
    apiCode) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = headers;
        this.apiCode = apiCode;
    }
}
/**
 * The ECR API operation a registry request counts as (ECR logs docker pushes and pulls to CloudTrail
 * under these names), so GET /_cendence/calls shows a push as mutating calls. Undefined: not logged.
 */
function operationOf(method, pathname) {
    const m = ROUTE_RE.exec(pathname);
    if (!m)
        return undefined;
    const [, , kind, , blobDigest, manifestRef] = m;
    if (kind.startsWith('blobs/uploads')) {
        return { POST: 'InitiateLayerUpload', PATCH: 'UploadLayerPart', PUT: 'CompleteLayerUpload' }[method];
    }
    if (blobDigest !== undefined)
        return { HEAD: 'BatchCheckLayerAvailability', GET: 'GetDownloadUrlForLayer' }[method];
    if (manifestRef !== undefined)
        return { PUT: 'PutImage', GET: 'BatchGetImage', HEAD: 'BatchGetImage' }[method];
    return undefined;
}
function recordCall(ctx, req, url, error) {
    const calls = ctx?.calls;
    const operation = operationOf(req.method ?? 'GET', url.pathname);
    // A presigned layer download is S3's business on AWS: the GetDownloadUrlForLayer call was logged already.
    if (!calls || !ctx || !operation || url.searchParams.has('X-Amz-Signature'))
        return;
    calls.record({
        service: 'ecr',
        operation,
        time: new Date(ctx.clock.now()).toISOString(),
        wallMs: Date.now(),
        error: error && (error.apiCode ?? error.code),
        accessKeyId: ctx.accessKeyId,
    });
}
/** Registry answers for the injectable faults (POST /_cendence/faults), as ECR's registry words them. */
const FAULT_ANSWERS = {
    ThrottlingException: [429, 'TOOMANYREQUESTS', 'Rate exceeded'],
    InternalFailure: [500, 'UNKNOWN', 'An internal error occurred (injected fault).'],
    ServiceUnavailable: [503, 'UNAVAILABLE', 'Service Unavailable (injected fault).'],
};
/**
 * Applies an injected fault matching the request's ECR operation (service "ecr"): latency, a dropped
 * connection (returns true: nothing more to do), or an error thrown as a RegistryError.
 */
async function injectFault(ctx, req, url) {
    const operation = operationOf(req.method ?? 'GET', url.pathname);
    const fault = operation && ctx.faults?.take('ecr', operation);
    if (!fault)
        return false;
    if (fault.latencyMs)
        await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.drop) {
        recordCall(ctx, req, url, new RegistryError(0, 'ConnectionDropped', 'dropped'));
        req.socket.destroy();
        return true;
    }
    if (fault.error) {
        const [status, code, message] = FAULT_ANSWERS[fault.error];
        throw new RegistryError(status, code, message, {}, fault.error);
    }
    return false;
}
function registry_send(res, status, headers, body) {
    res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
    res.end(body);
}
async function registry_readBody(req, limit) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        size += chunk.length;
        if (size > limit)
            throw new RegistryError(400, 'SIZE_INVALID', `the request body exceeds ${limit} bytes`);
        chunks.push(chunk);
    }
    return Buffer.concat(chunks);
}
/** The registry route over the store that `storeOf` finds for a request (the emulator world's). */
function createRegistryRoute(storeOf) {
    return async (req, res, url, ctx) => {
        if (url.pathname !== '/v2' && !url.pathname.startsWith('/v2/'))
            return false;
        try {
            if (!ctx)
                throw new Error('the registry route needs the emulator context');
            if (await injectFault(ctx, req, url))
                return true;
            await serve(storeOf(ctx), ctx, req, res, url);
            recordCall(ctx, req, url);
        }
        catch (e) {
            const err = e instanceof RegistryError
                ? e
                : new RegistryError(500, 'UNKNOWN', `internal error: ${e.message}`);
            recordCall(ctx, req, url, err);
            if (!res.headersSent) {
                const body = JSON.stringify({ errors: [{ code: err.code, message: err.message, detail: {} }] });
                registry_send(res, err.status, {
                    'Content-Type': 'application/json; charset=utf-8',
                    'Content-Length': Buffer.byteLength(body),
                    ...err.headers,
                }, req.method === 'HEAD' ? undefined : body);
            }
            else {
                res.destroy();
            }
            req.resume();
        }
        return true;
    };
}
async function serve(store, ctx, req, res, url) {
    if (!presignedBlobGet(store, ctx, req, url))
        authorize(store, ctx, req);
    const method = req.method ?? 'GET';
    if (url.pathname === '/v2' || url.pathname === '/v2/') {
        registry_send(res, 200, { 'Content-Type': 'application/json', 'Content-Length': 2 }, method === 'HEAD' ? undefined : '{}');
        return;
    }
    const m = ROUTE_RE.exec(url.pathname);
    if (!m)
        throw new RegistryError(404, 'UNSUPPORTED', `the operation ${method} ${url.pathname} is unsupported`);
    const [, name, kind, uploadId, blobDigest, manifestRef] = m;
    const repo = store.repositories.get(name);
    if (!repo) {
        throw new RegistryError(404, 'NAME_UNKNOWN', `The repository with name '${name}' does not exist in the registry with id '${ctx.accountId}'`);
    }
    if (kind.startsWith('blobs/uploads'))
        return upload(store, repo, ctx.clock.now(), req, res, url, uploadId);
    if (blobDigest !== undefined)
        return blob(store, repo, req, res, blobDigest);
    if (manifestRef !== undefined)
        return manifest(store, repo, ctx.clock.now(), req, res, manifestRef);
    return tags(repo, res, url);
}
/** Basic auth with `AWS:<password>` from an unexpired GetAuthorizationToken answer; ECR has no anonymous access. */
/** A blob GET carrying a GetDownloadUrlForLayer signature for exactly that blob needs no credentials (like S3's presigned URL). */
function presignedBlobGet(store, ctx, req, url) {
    const signature = url.searchParams.get('X-Amz-Signature');
    const m = ROUTE_RE.exec(url.pathname);
    if (!signature || req.method !== 'GET' || !m || m[4] === undefined)
        return false;
    return store.checkDownloadSignature(signature, m[1], m[4], ctx.clock.now());
}
function authorize(store, ctx, req) {
    const host = req.headers.host ?? '127.0.0.1';
    const challenge = { 'WWW-Authenticate': `Basic realm="http://${host}/",service="ecr.amazonaws.com"` };
    const token = store.authenticate(req.headers.authorization, ctx.clock.now());
    if (token === 'expired') {
        throw new RegistryError(403, 'DENIED', 'Your authorization token has expired. Reauthenticate and try again.');
    }
    if (!token)
        throw new RegistryError(401, 'UNAUTHORIZED', 'Not Authorized', challenge);
    return token;
}
function blob(store, repo, req, res, digest) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on blobs`);
    }
    if (!isDigest(digest))
        throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${digest}`);
    if (!store.hasBlob(repo, digest))
        throw new RegistryError(404, 'BLOB_UNKNOWN', `blob unknown to registry: ${digest}`);
    const headers = {
        'Content-Type': 'application/octet-stream',
        'Content-Length': store.blobs.size(digest),
        'Docker-Content-Digest': digest,
        ETag: `"${digest}"`,
    };
    if (req.method === 'HEAD')
        return registry_send(res, 200, headers);
    res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0', ...headers });
    store.blobs.stream(digest).pipe(res);
}
async function upload(store, repo, now, req, res, url, id) {
    const base = `/v2/${repo.name}/blobs/uploads/`;
    const created = (digest) => registry_send(res, 201, {
        Location: `/v2/${repo.name}/blobs/${digest}`,
        'Docker-Content-Digest': digest,
        'Content-Length': 0,
    });
    const accepted = (sessionId, size) => registry_send(res, 202, {
        Location: `${base}${sessionId}`,
        Range: `0-${Math.max(0, size - 1)}`,
        'Docker-Upload-UUID': sessionId,
        'Content-Length': 0,
    });
    const finish = (session, digest) => {
        if (!digest || !isDigest(digest)) {
            store.blobs.cancel(session.id);
            throw new RegistryError(400, 'DIGEST_INVALID', `invalid digest ${digest ?? '(missing)'}`);
        }
        try {
            store.blobs.finish(session, digest);
        }
        catch (e) {
            if (e instanceof DigestMismatchError)
                throw new RegistryError(400, 'DIGEST_INVALID', e.message);
            throw e;
        }
        store.linkBlob(repo, digest);
        created(digest);
    };
    if (req.method === 'POST' && id === '') {
        const mount = url.searchParams.get('mount');
        const from = url.searchParams.get('from');
        if (mount && from) {
            const source = store.repositories.get(from);
            if (source && store.hasBlob(source, mount)) {
                store.linkBlob(repo, mount);
                req.resume();
                return created(mount);
            }
        }
        const session = store.blobs.startUpload(repo.name, now);
        const digest = url.searchParams.get('digest');
        if (digest !== null) {
            // Monolithic upload: the whole blob in the POST body.
            for await (const chunk of req)
                store.blobs.append(session, chunk);
            return finish(session, digest);
        }
        req.resume();
        return accepted(session.id, 0);
    }
    const session = store.blobs.upload(id);
    if (!session || session.repository !== repo.name) {
        throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `blob upload unknown to registry: ${id}`);
    }
    switch (req.method) {
        case 'GET':
            return registry_send(res, 204, {
                Location: `${base}${session.id}`,
                Range: `0-${Math.max(0, session.size - 1)}`,
                'Docker-Upload-UUID': session.id,
                'Content-Length': 0,
            });
        case 'DELETE':
            store.blobs.cancel(session.id);
            return registry_send(res, 204, { 'Content-Length': 0 });
        case 'PATCH':
        case 'PUT': {
            const range = /^(\d+)-(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
            if (range && Number(range[1]) !== session.size) {
                throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `the chunk starts at ${range[1]}, expected ${session.size}`, {
                    Range: `0-${Math.max(0, session.size - 1)}`,
                });
            }
            for await (const chunk of req)
                store.blobs.append(session, chunk);
            if (req.method === 'PATCH')
                return accepted(session.id, session.size);
            return finish(session, url.searchParams.get('digest'));
        }
        default:
            throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on uploads`);
    }
}
async function manifest(store, repo, now, req, res, ref) {
    const byDigest = isDigest(ref);
    if (req.method === 'PUT') {
        if (!byDigest && !registry_TAG_RE.test(ref))
            throw new RegistryError(400, 'TAG_INVALID', `invalid tag ${ref}`);
        const raw = await registry_readBody(req, MAX_MANIFEST_BYTES);
        try {
            const { image } = store.putManifest(repo, raw, {
                mediaType: req.headers['content-type']?.split(';')[0].trim(),
                tag: byDigest ? undefined : ref,
                digest: byDigest ? ref : undefined,
                now,
                via: 'registry',
            });
            return registry_send(res, 201, {
                Location: `/v2/${repo.name}/manifests/${image.digest}`,
                'Docker-Content-Digest': image.digest,
                'Content-Length': 0,
            });
        }
        catch (e) {
            if (!(e instanceof PushRefused))
                throw e;
            const code = {
                TAG_IMMUTABLE: 'TAG_INVALID',
                IMAGE_EXISTS: 'TAG_INVALID',
                BLOB_UNKNOWN: 'MANIFEST_BLOB_UNKNOWN',
                REFERENCED_IMAGE_UNKNOWN: 'MANIFEST_BLOB_UNKNOWN',
                MANIFEST_INVALID: 'MANIFEST_INVALID',
                DIGEST_MISMATCH: 'DIGEST_INVALID',
            }[e.reason];
            throw new RegistryError(400, code, e.message, {}, REFUSAL_API_CODES[e.reason]);
        }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new RegistryError(405, 'UNSUPPORTED', `${req.method} is not supported on manifests; use BatchDeleteImage`);
    }
    const image = store.findImage(repo, byDigest ? { imageDigest: ref } : { imageTag: ref });
    if (!image) {
        throw new RegistryError(404, 'MANIFEST_UNKNOWN', `Requested image not found: ${repo.name}${byDigest ? '@' : ':'}${ref}`);
    }
    if (!accepts(req.headers.accept, image.mediaType)) {
        throw new RegistryError(404, 'MANIFEST_UNKNOWN', `${image.mediaType} manifest found, but the accept header does not support it`);
    }
    const headers = {
        'Content-Type': image.mediaType,
        'Content-Length': image.manifest.length,
        'Docker-Content-Digest': image.digest,
        ETag: `"${image.digest}"`,
    };
    if (req.method === 'HEAD')
        return registry_send(res, 200, headers);
    image.lastPulledAt = now;
    registry_send(res, 200, headers, image.manifest);
}
function tags(repo, res, url) {
    const all = [...repo.tags.keys()].sort();
    const last = url.searchParams.get('last');
    const n = url.searchParams.has('n') ? Number(url.searchParams.get('n')) : undefined;
    const after = last === null ? all : all.filter((t) => t > last);
    const pageTags = n !== undefined && n >= 0 ? after.slice(0, n) : after;
    const headers = { 'Content-Type': 'application/json' };
    if (n !== undefined && pageTags.length < after.length && pageTags.length > 0) {
        headers.Link = `</v2/${repo.name}/tags/list?n=${n}&last=${encodeURIComponent(pageTags.at(-1))}>; rel="next"`;
    }
    const body = JSON.stringify({ name: repo.name, tags: pageTags });
    registry_send(res, 200, { ...headers, 'Content-Length': Buffer.byteLength(body) }, body);
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./emulator/src/ecr/seed.ts
// World-file seeding for ECR: `repositories:` entries become repositories, and their `images:` become
// small but real (pullable) images, so a rehearsal can deploy tags that "were pushed earlier" without
// docker. Each seeded image has an empty layer and a config naming repo:tag, hence its own digest.



// An empty tar archive (two zero blocks), gzipped: a valid layer that adds no files.
const EMPTY_TAR = Buffer.alloc(1024);
const EMPTY_LAYER = (0,external_node_zlib_.gzipSync)(EMPTY_TAR);
function fail(where, message) {
    throw new Error(`world file: repositories${where}: ${message}`);
}
/** Validates `spec.repositories` (from YAML/JSON) and creates each repository and its images. */
function seedRepositories(store, ctx, spec) {
    const list = spec.repositories;
    if (list === undefined)
        return;
    if (!Array.isArray(list))
        fail('', 'must be a list');
    list.forEach((raw, i) => {
        const where = `[${i}]`;
        if (!raw || typeof raw.name !== 'string' || raw.name === '')
            fail(where, 'needs a name');
        if (raw.imageTagMutability !== undefined && !TAG_MUTABILITIES.includes(raw.imageTagMutability)) {
            fail(where, `imageTagMutability must be one of ${TAG_MUTABILITIES.join(', ')}`);
        }
        if (store.repositories.has(raw.name))
            fail(where, `repository ${raw.name} is listed twice`);
        const repo = store.createRepository(ctx, {
            name: raw.name,
            mutability: raw.imageTagMutability,
            scanOnPush: raw.scanOnPush === true,
        });
        (raw.images ?? []).forEach((entry, j) => {
            const image = typeof entry === 'string' ? { tags: [entry] } : entry;
            if (!Array.isArray(image?.tags) || image.tags.length === 0)
                fail(`${where}.images[${j}]`, 'needs tags');
            if (image.scanFindings)
                store.presetScanFindings(repo.name, image.tags[0], image.scanFindings);
            const manifest = syntheticImage(store, repo, image.tags[0]);
            for (const tag of image.tags) {
                store.putManifest(repo, manifest, { tag, now: ctx.clock.now(), via: 'registry' });
            }
        });
    });
}
/** Stores the blobs of a minimal image in `repo` and returns its docker schema2 manifest. */
function syntheticImage(store, repo, tag) {
    const config = Buffer.from(JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Labels: { 'dev.cendence.emulator.seed': `${repo.name}:${tag}` } },
        rootfs: { type: 'layers', diff_ids: [sha256Digest(EMPTY_TAR)] },
    }));
    const configDigest = sha256Digest(config);
    const layerDigest = sha256Digest(EMPTY_LAYER);
    store.blobs.putBuffer(configDigest, config);
    store.blobs.putBuffer(layerDigest, EMPTY_LAYER);
    store.linkBlob(repo, configDigest);
    store.linkBlob(repo, layerDigest);
    return Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: { mediaType: MEDIA_TYPES.dockerConfig, size: config.length, digest: configDigest },
        layers: [{ mediaType: MEDIA_TYPES.dockerLayer, size: EMPTY_LAYER.length, digest: layerDigest }],
    }));
}

;// CONCATENATED MODULE: ./emulator/src/ecr/index.ts
// ECR in the emulator: the API handlers, the registry endpoint (/v2/ on the same port) and world-file
// seeding, all over one EcrStore per emulator world (dropped with the world on reset).






/** The ECR store of the world behind `ctx`, created on first use. */
function ecrStore(ctx) {
    const world = worldOf(ctx);
    return world.slot('ecr', () => {
        const store = new EcrStore();
        world.onDispose(() => store.dispose());
        return store;
    });
}
const ecrHandlers = createEcrApi(ecrStore);
const registryRoute = createRegistryRoute(ecrStore);
/** World files: creates `spec.repositories` (and their seeded images) in `world`. */
function ecr_seedRepositories(world, spec) {
    const ctx = {
        clock: world.clock,
        region: world.region,
        accountId: world.accountId,
        host: world.host,
        world,
    };
    seedRepositories(ecrStore(ctx), ctx, spec);
}

;// CONCATENATED MODULE: ./emulator/src/ecs/clusters.ts
// Clusters: create, describe (unknown → failures MISSING), list, delete.



const ecsOf = (ctx) => worldOf(ctx).ecs;
function createCluster(ecs, name = 'default', tags = []) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
        throw new AwsError('InvalidParameterException', 'Cluster name can only contain letters, numbers, hyphens and underscores (up to 255).');
    }
    const arn = ecs.arn(`cluster/${name}`);
    const existing = ecs.clusters.get(arn);
    if (existing && existing.status === 'ACTIVE')
        return existing;
    const c = {
        clusterArn: arn,
        clusterName: name,
        status: 'ACTIVE',
        tags,
        settings: [{ name: 'containerInsights', value: 'disabled' }],
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    };
    ecs.clusters.set(arn, c);
    return c;
}
function clusterOut(ecs, c, includeTags = false) {
    let running = 0;
    let pending = 0;
    for (const t of ecs.live) {
        if (t.clusterArn !== c.clusterArn)
            continue;
        if (t.lastStatus === 'RUNNING')
            running++;
        else if (t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING')
            pending++;
    }
    let services = 0;
    for (const s of ecs.services.values())
        if (s.clusterArn === c.clusterArn && s.status === 'ACTIVE')
            services++;
    return {
        clusterArn: c.clusterArn,
        clusterName: c.clusterName,
        status: c.status,
        registeredContainerInstancesCount: 0,
        runningTasksCount: running,
        pendingTasksCount: pending,
        activeServicesCount: services,
        statistics: [],
        tags: includeTags ? c.tags : [],
        settings: c.settings,
        capacityProviders: c.capacityProviders,
        defaultCapacityProviderStrategy: [],
    };
}
const clusterHandlers = {
    CreateCluster(input, ctx) {
        const ecs = ecsOf(ctx);
        return {
            cluster: clusterOut(ecs, createCluster(ecs, input.clusterName ?? 'default', input.tags ?? []), true),
        };
    },
    DescribeClusters(input, ctx) {
        const ecs = ecsOf(ctx);
        const refs = Array.isArray(input.clusters) && input.clusters.length ? input.clusters : ['default'];
        const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
        const clusters = [];
        const failures = [];
        for (const ref of refs) {
            const c = ecs.findCluster(ref);
            if (c)
                clusters.push(clusterOut(ecs, c, withTags));
            else
                failures.push({
                    arn: ref.startsWith('arn:') ? ref : ecs.arn(`cluster/${lastSegment(ref)}`),
                    reason: 'MISSING',
                });
        }
        return { clusters, failures };
    },
    ListClusters(_input, ctx) {
        const ecs = ecsOf(ctx);
        return {
            clusterArns: [...ecs.clusters.values()].filter((c) => c.status === 'ACTIVE').map((c) => c.clusterArn),
        };
    },
    DeleteCluster(input, ctx) {
        const ecs = ecsOf(ctx);
        const c = ecs.cluster(input.cluster);
        for (const s of ecs.services.values()) {
            if (s.clusterArn === c.clusterArn && s.status !== 'INACTIVE') {
                throw new AwsError('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.');
            }
        }
        for (const t of ecs.live) {
            if (t.clusterArn === c.clusterArn)
                throw new AwsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.');
        }
        c.status = 'INACTIVE';
        return { cluster: clusterOut(ecs, c) };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/service-deployments.ts
// The service deployment APIs: ListServiceDeployments, DescribeServiceDeployments (≤20, unknown →
// failures MISSING), StopServiceDeployment (ROLLBACK), DescribeServiceRevisions.





const service_deployments_ecsOf = (ctx) => worldOf(ctx).ecs;
const service_deployments_d = (ms) => (ms === undefined ? undefined : new Date(ms));
function revisionSummary(svc, arn, primary) {
    const deps = svc?.deployments.filter((x) => x.serviceRevisionArn === arn) ?? [];
    const sum = (k) => deps.reduce((n, x) => n + x[k], 0);
    const traffic = deps.find((x) => x.sim.trafficPercent !== undefined)?.sim.trafficPercent;
    return {
        arn,
        requestedTaskCount: sum('desiredCount'),
        runningTaskCount: sum('runningCount'),
        pendingTaskCount: sum('pendingCount'),
        requestedProductionTrafficWeight: traffic === undefined ? undefined : primary ? traffic : 100 - traffic,
    };
}
function serviceDeploymentOut(ecs, sd) {
    const svc = ecs.services.get(sd.serviceArn);
    return {
        serviceDeploymentArn: sd.serviceDeploymentArn,
        serviceArn: sd.serviceArn,
        clusterArn: sd.clusterArn,
        createdAt: service_deployments_d(sd.createdAt),
        startedAt: service_deployments_d(sd.startedAt),
        finishedAt: service_deployments_d(sd.finishedAt),
        stoppedAt: service_deployments_d(sd.stoppedAt),
        updatedAt: service_deployments_d(sd.updatedAt),
        sourceServiceRevisions: sd.sourceServiceRevisionArns.map((arn) => revisionSummary(svc, arn, false)),
        targetServiceRevision: revisionSummary(svc, sd.targetServiceRevisionArn, true),
        status: sd.status,
        statusReason: sd.statusReason,
        lifecycleStage: sd.lifecycleStage,
        lifecycleHookDetails: sd.hooks.length ? hookDetailsOut(sd.hooks) : undefined,
        deploymentConfiguration: sd.deploymentConfiguration,
        rollback: sd.rollback && { ...sd.rollback, startedAt: service_deployments_d(sd.rollback.startedAt) },
        deploymentCircuitBreaker: sd.circuitBreaker,
        alarms: { status: 'DISABLED' },
    };
}
const serviceDeploymentHandlers = {
    ListServiceDeployments(input, ctx) {
        const ecs = service_deployments_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        if (typeof input.service !== 'string')
            throw new AwsError('InvalidParameterException', 'service is required.');
        const svc = ecs.findService(cluster, input.service);
        if (!svc)
            throw new AwsError('ServiceNotFoundException', 'Service not found.');
        const statuses = Array.isArray(input.status) && input.status.length ? input.status : undefined;
        const after = input.createdAt?.after === undefined ? undefined : Number(input.createdAt.after) * 1000;
        const before = input.createdAt?.before === undefined ? undefined : Number(input.createdAt.before) * 1000;
        const all = [...ecs.serviceDeployments.values()]
            .filter((sd) => sd.serviceArn === svc.serviceArn)
            .filter((sd) => !statuses || statuses.includes(sd.status))
            .filter((sd) => (after === undefined || sd.createdAt >= after) && (before === undefined || sd.createdAt <= before))
            .reverse();
        const start = Number(input.nextToken ?? 0) || 0;
        const max = Math.min(Number(input.maxResults ?? 20), 100);
        return {
            serviceDeployments: all.slice(start, start + max).map((sd) => ({
                serviceDeploymentArn: sd.serviceDeploymentArn,
                serviceArn: sd.serviceArn,
                clusterArn: sd.clusterArn,
                startedAt: service_deployments_d(sd.startedAt),
                createdAt: service_deployments_d(sd.createdAt),
                finishedAt: service_deployments_d(sd.finishedAt),
                targetServiceRevisionArn: sd.targetServiceRevisionArn,
                status: sd.status,
                statusReason: sd.statusReason,
            })),
            nextToken: start + max < all.length ? String(start + max) : undefined,
        };
    },
    DescribeServiceDeployments(input, ctx) {
        const ecs = service_deployments_ecsOf(ctx);
        const arns = input.serviceDeploymentArns;
        if (!Array.isArray(arns) || arns.length === 0)
            throw new AwsError('InvalidParameterException', 'serviceDeploymentArns cannot be empty.');
        if (arns.length > 20)
            throw new AwsError('InvalidParameterException', 'serviceDeploymentArns can have at most 20 items.');
        const serviceDeployments = [];
        const failures = [];
        for (const arn of arns) {
            const sd = ecs.serviceDeployments.get(arn);
            if (sd)
                serviceDeployments.push(serviceDeploymentOut(ecs, sd));
            else
                failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceDeployments, failures };
    },
    StopServiceDeployment(input, ctx) {
        const ecs = service_deployments_ecsOf(ctx);
        const sd = ecs.serviceDeployments.get(String(input.serviceDeploymentArn ?? ''));
        if (!sd)
            throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
        const stopType = input.stopType ?? 'ROLLBACK';
        if (stopType !== 'ROLLBACK')
            throw new AwsError('InvalidParameterException', `stopType ${stopType} is not supported; use ROLLBACK.`);
        if (isTerminal(sd)) {
            throw new AwsError('ConflictException', `The service deployment is in a terminal state (${sd.status}) and cannot be stopped.`);
        }
        if (sd.status !== 'IN_PROGRESS' && sd.status !== 'PENDING')
            return { serviceDeploymentArn: sd.serviceDeploymentArn };
        const svc = ecs.services.get(sd.serviceArn);
        const target = svc.deployments.find((dep) => dep.id === sd.deploymentId);
        const sourceArn = sd.sourceServiceRevisionArns[0];
        const source = sourceArn ? ecs.revisions.get(sourceArn) : undefined;
        if (!target || !source) {
            throw new AwsError('ConflictException', 'The service deployment has no previous service revision to roll back to.');
        }
        sd.status = 'ROLLBACK_REQUESTED';
        sd.updatedAt = ecs.now();
        if (!isBlueGreen(svc)) {
            target.rolloutState = 'FAILED';
            target.rolloutStateReason = 'Service deployment rolled back because of a stop request.';
            rollBack(ecs, svc, target, 'Service deployment rolled back because of a stop request.', source.taskDefinition, source.serviceRevisionArn);
        }
        return { serviceDeploymentArn: sd.serviceDeploymentArn };
    },
    ContinueServiceDeployment(input, ctx) {
        const ecs = service_deployments_ecsOf(ctx);
        const sd = ecs.serviceDeployments.get(String(input.serviceDeploymentArn ?? ''));
        if (!sd)
            throw new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.');
        if (typeof input.hookId !== 'string')
            throw new AwsError('InvalidParameterException', 'hookId is required.');
        const action = input.action ?? 'CONTINUE';
        if (action !== 'CONTINUE' && action !== 'ROLLBACK') {
            throw new AwsError('InvalidParameterException', `action must be CONTINUE or ROLLBACK, got ${action}.`);
        }
        if (isTerminal(sd)) {
            throw new AwsError('ConflictException', `The service deployment is in a terminal state (${sd.status}).`);
        }
        continueHook(sd, input.hookId, action, ecs.now());
        return { serviceDeploymentArn: sd.serviceDeploymentArn };
    },
    DescribeServiceRevisions(input, ctx) {
        const ecs = service_deployments_ecsOf(ctx);
        const serviceRevisions = [];
        const failures = [];
        for (const arn of input.serviceRevisionArns ?? []) {
            const r = ecs.revisions.get(arn);
            if (r)
                serviceRevisions.push({ ...r, createdAt: service_deployments_d(r.createdAt) });
            else
                failures.push({ arn, reason: 'MISSING' });
        }
        return { serviceRevisions, failures };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/services.ts
// Services: CreateService / UpdateService (validation, new deployments), DescribeServices (≤10, unknown
// → failures MISSING), DeleteService, ListServices, and the Service/Deployment output shapes.




const services_ecsOf = (ctx) => worldOf(ctx).ecs;
const services_invalid = (message) => new AwsError('InvalidParameterException', message);
const services_d = (ms) => (ms === undefined ? undefined : new Date(ms));
const DEFAULT_DEPLOYMENT_CONFIGURATION = {
    deploymentCircuitBreaker: { enable: false, rollback: false },
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    strategy: 'ROLLING',
};
function resolveTaskDefinition(ecs, ref) {
    const td = typeof ref === 'string' ? ecs.findTaskDef(ref) : undefined;
    if (!td)
        throw new AwsError('ClientException', 'TaskDefinition not found.');
    if (td.status !== 'ACTIVE')
        throw new AwsError('ClientException', `TaskDefinition is inactive: ${td.arn}`);
    return td;
}
function checkNetwork(td, networkConfiguration, launchType) {
    const vpc = networkConfiguration?.awsvpcConfiguration;
    if (td.body.networkMode === 'awsvpc' && !vpc?.subnets?.length) {
        throw services_invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    }
    if (launchType === 'FARGATE' && !td.body.compatibilities.includes('FARGATE')) {
        throw services_invalid('Task definition does not support launch_type FARGATE.');
    }
}
function checkLoadBalancers(ecs, td, lbs, strategy) {
    const containers = td.body.containerDefinitions ?? [];
    for (const lb of lbs) {
        const tgArns = [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn].filter(Boolean);
        if (!lb.targetGroupArn)
            throw services_invalid('targetGroupArn is required for a load balancer of an awsvpc service.');
        for (const arn of tgArns) {
            const tg = ecs.world.elbv2.targetGroups.get(arn);
            if (!tg)
                throw services_invalid(`Unable to validate the specified targetGroupArn: ${arn} not found.`);
            if (tg.LoadBalancerArns.length === 0) {
                throw services_invalid(`The target group with targetGroupArn ${arn} does not have an associated load balancer.`);
            }
        }
        const c = containers.find((x) => x.name === lb.containerName);
        if (!c)
            throw services_invalid(`The container ${lb.containerName} does not exist in the task definition.`);
        if (!(c.portMappings ?? []).some((p) => Number(p.containerPort) === Number(lb.containerPort))) {
            throw services_invalid(`The container ${lb.containerName} did not have a container port ${lb.containerPort} defined.`);
        }
        const adv = lb.advancedConfiguration;
        if (adv) {
            if (!adv.alternateTargetGroupArn || !adv.productionListenerRule || !adv.roleArn) {
                throw services_invalid('advancedConfiguration needs alternateTargetGroupArn, productionListenerRule and roleArn.');
            }
            for (const rule of [adv.productionListenerRule, adv.testListenerRule].filter(Boolean)) {
                if (!ecs.world.elbv2.rules.has(rule) && !ecs.world.elbv2.listeners.has(rule)) {
                    throw services_invalid(`The listener rule ${rule} does not exist.`);
                }
            }
        }
    }
    if (strategy !== 'ROLLING' && !lbs.some((lb) => lb.advancedConfiguration)) {
        throw services_invalid(`The ${strategy} deployment strategy needs a load balancer with advancedConfiguration (alternate target group and listener rules).`);
    }
}
function checkDeploymentConfiguration(cfg) {
    validateHooks(cfg);
    const cb = cfg.deploymentCircuitBreaker;
    if (cb && (typeof cb.enable !== 'boolean' || typeof cb.rollback !== 'boolean')) {
        throw services_invalid('deploymentCircuitBreaker requires both enable and rollback.');
    }
    const strategy = cfg.strategy ?? 'ROLLING';
    if (!['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'].includes(strategy))
        throw services_invalid(`Unknown deployment strategy ${strategy}.`);
    if (strategy === 'BLUE_GREEN' && cfg.bakeTimeInMinutes === undefined) {
        throw services_invalid('bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.');
    }
    const max = cfg.maximumPercent ?? 200;
    const min = cfg.minimumHealthyPercent ?? 100;
    if (!(max >= 100) || !(min >= 0 && min <= 100)) {
        throw services_invalid('maximumPercent must be at least 100 and minimumHealthyPercent between 0 and 100.');
    }
    const step = cfg.linearConfiguration?.stepPercent;
    if (step !== undefined && !(step >= 3 && step <= 100))
        throw services_invalid('linearConfiguration.stepPercent must be between 3.0 and 100.0.');
    const canary = cfg.canaryConfiguration?.canaryPercent;
    if (canary !== undefined && !(canary >= 0.1 && canary <= 100))
        throw services_invalid('canaryConfiguration.canaryPercent must be between 0.1 and 100.');
}
function createService(ecs, input, createdBy) {
    const cluster = ecs.cluster(input.cluster);
    const name = input.serviceName;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
        throw services_invalid('serviceName must be 1-255 letters, numbers, hyphens and underscores.');
    }
    const existing = ecs.findService(cluster, name);
    if (existing && existing.status !== 'INACTIVE')
        throw services_invalid('Creation of service was not idempotent.');
    const controller = input.deploymentController?.type ??
        'ECS';
    const td = resolveTaskDefinition(ecs, input.taskDefinition);
    const launchType = input.launchType ?? (input.capacityProviderStrategy ? undefined : 'FARGATE');
    checkNetwork(td, input.networkConfiguration, launchType);
    const cfg = {
        ...DEFAULT_DEPLOYMENT_CONFIGURATION,
        ...input.deploymentConfiguration,
    };
    checkDeploymentConfiguration(cfg);
    const lbs = input.loadBalancers ?? [];
    checkLoadBalancers(ecs, td, lbs, controller === 'ECS' ? (cfg.strategy ?? 'ROLLING') : 'ROLLING');
    const desired = input.desiredCount === undefined ? 1 : Number(input.desiredCount);
    if (!Number.isInteger(desired) || desired < 0)
        throw services_invalid('desiredCount must be a whole number >= 0.');
    const now = ecs.now();
    const svc = {
        serviceArn: ecs.arn(`service/${cluster.clusterName}/${name}`),
        serviceName: name,
        clusterArn: cluster.clusterArn,
        status: 'ACTIVE',
        taskDefinition: td.arn,
        desiredCount: desired,
        launchType,
        capacityProviderStrategy: input.capacityProviderStrategy,
        platformVersion: launchType === 'FARGATE' || input.capacityProviderStrategy
            ? (input.platformVersion ?? 'LATEST')
            : undefined,
        platformFamily: 'Linux',
        loadBalancers: lbs,
        serviceRegistries: input.serviceRegistries ?? [],
        networkConfiguration: input.networkConfiguration,
        healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
        deploymentConfiguration: cfg,
        deploymentController: { type: controller },
        schedulingStrategy: 'REPLICA',
        enableECSManagedTags: Boolean(input.enableECSManagedTags),
        propagateTags: input.propagateTags ?? 'NONE',
        enableExecuteCommand: Boolean(input.enableExecuteCommand),
        createdAt: now,
        createdBy,
        roleArn: input.role,
        tags: input.tags ?? [],
        deployments: [],
        events: [],
        sim: { steady: false },
    };
    ecs.services.set(svc.serviceArn, svc);
    const dep = startDeployment(ecs, svc, td);
    if (controller !== 'ECS')
        dep.sim.taskSet = true;
    return svc;
}
const NEW_DEPLOYMENT_FIELDS = [
    'networkConfiguration',
    'loadBalancers',
    'platformVersion',
    'capacityProviderStrategy',
    'launchType',
];
function updateService(ecs, input) {
    const cluster = ecs.cluster(input.cluster);
    if (typeof input.service !== 'string')
        throw services_invalid('service is required.');
    const svc = ecs.activeService(cluster, input.service);
    const codeDeploy = svc.deploymentController.type !== 'ECS';
    let td;
    if (input.taskDefinition !== undefined) {
        td = resolveTaskDefinition(ecs, input.taskDefinition);
        if (codeDeploy && td.arn !== svc.taskDefinition) {
            throw services_invalid('Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.');
        }
    }
    const target = td ?? ecs.findTaskDef(svc.taskDefinition);
    let changed = td !== undefined && td.arn !== svc.taskDefinition;
    for (const k of NEW_DEPLOYMENT_FIELDS) {
        if (input[k] === undefined)
            continue;
        if (JSON.stringify(input[k]) !== JSON.stringify(svc[k]))
            changed = true;
    }
    const cfg = input.deploymentConfiguration
        ? { ...svc.deploymentConfiguration, ...input.deploymentConfiguration }
        : svc.deploymentConfiguration;
    checkDeploymentConfiguration(cfg);
    const network = input.networkConfiguration ?? svc.networkConfiguration;
    checkNetwork(target, network, input.launchType ?? svc.launchType);
    const lbs = input.loadBalancers ?? svc.loadBalancers;
    if (!codeDeploy)
        checkLoadBalancers(ecs, target, lbs, cfg.strategy ?? 'ROLLING');
    if (input.desiredCount !== undefined) {
        const n = Number(input.desiredCount);
        if (!Number.isInteger(n) || n < 0)
            throw services_invalid('desiredCount must be a whole number >= 0.');
        if (n !== svc.desiredCount)
            svc.sim.steady = false;
        svc.desiredCount = n;
    }
    svc.deploymentConfiguration = cfg;
    svc.networkConfiguration = network;
    svc.loadBalancers = lbs;
    if (input.platformVersion !== undefined)
        svc.platformVersion = input.platformVersion;
    if (input.capacityProviderStrategy !== undefined) {
        svc.capacityProviderStrategy = input.capacityProviderStrategy;
        svc.launchType = undefined;
    }
    if (input.launchType !== undefined)
        svc.launchType = input.launchType;
    if (input.healthCheckGracePeriodSeconds !== undefined)
        svc.healthCheckGracePeriodSeconds = Number(input.healthCheckGracePeriodSeconds);
    if (input.enableExecuteCommand !== undefined)
        svc.enableExecuteCommand = Boolean(input.enableExecuteCommand);
    if (input.propagateTags !== undefined)
        svc.propagateTags = input.propagateTags;
    if (!codeDeploy && (changed || input.forceNewDeployment === true))
        startDeployment(ecs, svc, target);
    return svc;
}
function deploymentOut(dep, svc) {
    return {
        id: dep.id,
        status: dep.status,
        taskDefinition: dep.taskDefinition,
        desiredCount: dep.desiredCount,
        pendingCount: dep.pendingCount,
        runningCount: dep.runningCount,
        failedTasks: dep.failedTasks,
        createdAt: services_d(dep.createdAt),
        updatedAt: services_d(dep.updatedAt),
        capacityProviderStrategy: dep.capacityProviderStrategy,
        launchType: dep.launchType,
        platformVersion: dep.platformVersion,
        platformFamily: dep.platformFamily,
        networkConfiguration: dep.networkConfiguration,
        rolloutState: svc.deploymentController.type === 'ECS' ? dep.rolloutState : undefined,
        rolloutStateReason: svc.deploymentController.type === 'ECS' ? dep.rolloutStateReason : undefined,
    };
}
function serviceOut(svc, includeTags = false) {
    let running = 0;
    let pending = 0;
    for (const dep of svc.deployments) {
        running += dep.runningCount;
        pending += dep.pendingCount;
    }
    return {
        serviceArn: svc.serviceArn,
        serviceName: svc.serviceName,
        clusterArn: svc.clusterArn,
        loadBalancers: svc.loadBalancers,
        serviceRegistries: svc.serviceRegistries,
        status: svc.status,
        desiredCount: svc.desiredCount,
        runningCount: running,
        pendingCount: pending,
        launchType: svc.launchType,
        capacityProviderStrategy: svc.capacityProviderStrategy,
        platformVersion: svc.platformVersion,
        platformFamily: svc.platformFamily,
        taskDefinition: svc.taskDefinition,
        deploymentConfiguration: svc.deploymentConfiguration,
        deployments: svc.deployments.map((dep) => deploymentOut(dep, svc)),
        roleArn: svc.roleArn,
        events: svc.events.map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
        createdAt: services_d(svc.createdAt),
        placementConstraints: [],
        placementStrategy: [],
        networkConfiguration: svc.networkConfiguration,
        healthCheckGracePeriodSeconds: svc.healthCheckGracePeriodSeconds,
        schedulingStrategy: svc.schedulingStrategy,
        deploymentController: svc.deploymentController,
        tags: includeTags ? svc.tags : undefined,
        createdBy: svc.createdBy,
        enableECSManagedTags: svc.enableECSManagedTags,
        propagateTags: svc.propagateTags,
        enableExecuteCommand: svc.enableExecuteCommand,
        availabilityZoneRebalancing: 'ENABLED',
        currentServiceDeployment: svc.currentServiceDeployment,
    };
}
const serviceHandlers = {
    CreateService(input, ctx) {
        const ecs = services_ecsOf(ctx);
        return {
            service: serviceOut(createService(ecs, input, `arn:aws:iam::${ctx.accountId}:user/cendence-emulator`), true),
        };
    },
    UpdateService(input, ctx) {
        return { service: serviceOut(updateService(services_ecsOf(ctx), input)) };
    },
    DescribeServices(input, ctx) {
        const ecs = services_ecsOf(ctx);
        const refs = input.services;
        if (!Array.isArray(refs) || refs.length === 0)
            throw services_invalid('Services cannot be empty.');
        if (refs.length > 10)
            throw services_invalid('services can have at most 10 items.');
        const cluster = ecs.cluster(input.cluster);
        const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
        const services = [];
        const failures = [];
        for (const ref of refs) {
            const svc = ecs.findService(cluster, ref);
            if (svc)
                services.push(serviceOut(svc, withTags));
            else
                failures.push({
                    arn: ref.startsWith('arn:') ? ref : ecs.arn(`service/${cluster.clusterName}/${ref}`),
                    reason: 'MISSING',
                });
        }
        return { services, failures };
    },
    DeleteService(input, ctx) {
        const ecs = services_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        const svc = ecs.findService(cluster, String(input.service ?? ''));
        if (!svc || svc.status === 'INACTIVE')
            throw new AwsError('ServiceNotFoundException', 'Service not found.');
        if (svc.status === 'DRAINING')
            return { service: serviceOut(svc) };
        if (svc.desiredCount > 0 && input.force !== true)
            throw services_invalid('The service cannot be stopped while it is scaled above 0.');
        svc.status = 'DRAINING';
        svc.desiredCount = 0;
        svc.sim.deletedAt = ecs.now();
        return { service: serviceOut(svc) };
    },
    ListServices(input, ctx) {
        const ecs = services_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        const arns = [...ecs.services.values()]
            .filter((s) => s.clusterArn === cluster.clusterArn && s.status !== 'INACTIVE')
            .filter((s) => !input.launchType || s.launchType === input.launchType)
            .map((s) => s.serviceArn);
        const start = Number(input.nextToken ?? 0) || 0;
        const max = Math.min(Number(input.maxResults ?? 10), 100);
        return {
            serviceArns: arns.slice(start, start + max),
            nextToken: start + max < arns.length ? String(start + max) : undefined,
        };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/tags.ts
// TagResource, UntagResource and ListTagsForResource for clusters, services, task definitions and tasks.


function tags_tagsOf(ctx, arn) {
    const ecs = worldOf(ctx).ecs;
    const ref = typeof arn === 'string' ? arn : '';
    const holder = ecs.clusters.get(ref) ??
        ecs.services.get(ref) ??
        ecs.tasks.get(ref) ??
        (ref.includes(':task-definition/') ? ecs.findTaskDef(ref) : undefined);
    if (!holder)
        throw new AwsError('ResourceNotFoundException', 'The specified resource could not be found.');
    return { tags: holder.tags, set: (tags) => (holder.tags = tags) };
}
const tagHandlers = {
    TagResource(input, ctx) {
        const t = tags_tagsOf(ctx, input.resourceArn);
        const added = input.tags ?? [];
        const keys = new Set(added.map((x) => x.key));
        const merged = [
            ...t.tags.filter((x) => !keys.has(x.key)),
            ...added.map((x) => ({ key: x.key, value: x.value })),
        ];
        if (merged.length > 50)
            throw new AwsError('InvalidParameterException', 'A resource can have at most 50 tags.');
        t.set(merged);
        return {};
    },
    UntagResource(input, ctx) {
        const t = tags_tagsOf(ctx, input.resourceArn);
        const keys = new Set(input.tagKeys ?? []);
        t.set(t.tags.filter((x) => !keys.has(x.key)));
        return {};
    },
    ListTagsForResource(input, ctx) {
        return { tags: tags_tagsOf(ctx, input.resourceArn).tags };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/taskdefs.ts
// Task definitions: RegisterTaskDefinition with ECS's validation (Fargate network mode and cpu/memory
// table, container names, essential containers, awslogs and secrets needing an execution role, ...),
// revisions per family, describe (with include TAGS), list, list families, deregister.


const client = (message) => new AwsError('ClientException', message);
const taskdefs_ecsOf = (ctx) => worldOf(ctx).ecs;
/** Valid Fargate memory (MiB) per task cpu (units). */
const FARGATE_SIZES = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};
function range(from, to, step) {
    const out = [];
    for (let v = from; v <= to; v += step)
        out.push(v);
    return out;
}
/** "1 vCPU" → "1024", "0.25 vcpu" → "256", "512" → "512". */
function normalizeCpu(v) {
    if (v === undefined || v === null || v === '')
        return undefined;
    const s = String(v).trim();
    const m = /^(\d+(?:\.\d+)?)\s*vcpu$/i.exec(s);
    if (m)
        return String(Math.round(Number(m[1]) * 1024));
    if (/^\d+$/.test(s))
        return s;
    throw client(`Invalid 'cpu' setting for task: "${s}". Use CPU units (for example 256) or vCPU (for example "1 vCPU").`);
}
/** "2 GB" → "2048", "512" → "512". */
function normalizeMemory(v) {
    if (v === undefined || v === null || v === '')
        return undefined;
    const s = String(v).trim();
    const m = /^(\d+(?:\.\d+)?)\s*gb$/i.exec(s);
    if (m)
        return String(Math.round(Number(m[1]) * 1024));
    if (/^\d+$/.test(s))
        return s;
    throw client(`Invalid 'memory' setting for task: "${s}". Use MiB (for example 512) or GB (for example "2 GB").`);
}
function inRange(v, lo, hi) {
    return v === undefined || (Number.isFinite(v) && v >= lo && v <= hi);
}
function validateTaskDefinition(input) {
    const family = input.family;
    if (typeof family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
        throw client('Family contains invalid characters or is empty: use 1-255 letters, numbers, hyphens and underscores.');
    }
    const containers = input.containerDefinitions;
    if (!Array.isArray(containers) || containers.length === 0)
        throw client('Container list cannot be empty.');
    const names = new Set();
    for (const c of containers) {
        if (!c || typeof c.name !== 'string' || c.name === '')
            throw client('Container.name should not be null or empty.');
        if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) {
            throw client(`Container name '${c.name}' is invalid: use up to 255 letters, numbers, hyphens and underscores.`);
        }
        if (names.has(c.name))
            throw client(`Container names must be unique within a task definition: '${c.name}' is used twice.`);
        names.add(c.name);
        if (typeof c.image !== 'string' || c.image.trim() === '')
            throw client('Container.image should not be null or empty.');
        const hc = c.healthCheck;
        if (hc) {
            if (!Array.isArray(hc.command) || hc.command.length === 0)
                throw client(`Container '${c.name}': healthCheck.command is required.`);
            if (!inRange(hc.interval, 5, 300))
                throw client('Health check interval must be between 5 and 300 seconds.');
            if (!inRange(hc.timeout, 2, 60))
                throw client('Health check timeout must be between 2 and 60 seconds.');
            if (!inRange(hc.retries, 1, 10))
                throw client('Health check retries must be between 1 and 10.');
            if (!inRange(hc.startPeriod, 0, 300))
                throw client('Health check startPeriod must be between 0 and 300 seconds.');
        }
    }
    for (const c of containers) {
        for (const dep of c.dependsOn ?? []) {
            const target = containers.find((x) => x.name === dep.containerName);
            if (!target)
                throw client(`Container '${c.name}' depends on '${dep.containerName}', which is not in the task definition.`);
            if ((dep.condition === 'COMPLETE' || dep.condition === 'SUCCESS') && target.essential !== false) {
                throw client(`Container '${c.name}': dependency condition ${dep.condition} cannot be used on the essential container '${target.name}'.`);
            }
        }
    }
    if (!containers.some((c) => c.essential !== false))
        throw client('Task definition does not have any essential container.');
    const cpu = normalizeCpu(input.cpu);
    const memory = normalizeMemory(input.memory);
    const networkMode = input.networkMode ?? 'bridge';
    if (networkMode === 'awsvpc') {
        for (const c of containers) {
            for (const p of c.portMappings ?? []) {
                if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
                    throw client('When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
                }
            }
        }
    }
    const requires = input.requiresCompatibilities ?? [];
    if (requires.includes('FARGATE')) {
        if (networkMode !== 'awsvpc')
            throw client('Fargate only supports network mode ‘awsvpc’.');
        if (!cpu)
            throw client("Fargate requires that 'cpu' be defined at the task level.");
        if (!memory)
            throw client("Fargate requires that 'memory' be defined at the task level.");
        const allowed = FARGATE_SIZES[Number(cpu)];
        if (!allowed?.includes(Number(memory))) {
            throw client(`No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`);
        }
        for (const c of containers) {
            const lc = c.logConfiguration;
            if (lc?.logDriver === 'awslogs') {
                if (!input.executionRoleArn)
                    throw client('Fargate requires task definition to have execution role ARN to support log driver awslogs.');
                if (!lc.options?.['awslogs-stream-prefix']) {
                    throw client(`Container '${c.name}': the awslogs-stream-prefix option is required with the awslogs log driver on Fargate.`);
                }
            }
            if (Array.isArray(c.secrets) && c.secrets.length > 0 && !input.executionRoleArn) {
                throw client('Fargate requires task definition to have execution role ARN to support secrets.');
            }
        }
    }
    const eph = input.ephemeralStorage?.sizeInGiB;
    if (eph !== undefined && !inRange(eph, 21, 200))
        throw client('The ephemeral storage size must be between 21 and 200 GiB.');
    return { cpu, memory };
}
function requiresAttributes(input, containers) {
    const names = new Set(['com.amazonaws.ecs.capability.docker-remote-api.1.18']);
    if (input.networkMode === 'awsvpc')
        names.add('ecs.capability.task-eni');
    if (input.executionRoleArn)
        names.add('ecs.capability.execution-role-ecr-pull');
    if (containers.some((c) => c.logConfiguration?.logDriver === 'awslogs')) {
        names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
        names.add('ecs.capability.execution-role-awslogs');
    }
    if (containers.some((c) => c.healthCheck))
        names.add('ecs.capability.container-health-check');
    if (containers.some((c) => Array.isArray(c.secrets) && c.secrets.length))
        names.add('ecs.capability.secrets.asm.environment-variables');
    return [...names].map((name) => ({ name }));
}
/** Fields the caller may send that the register call echoes back. */
const INPUT_FIELDS = [
    'family',
    'taskRoleArn',
    'executionRoleArn',
    'networkMode',
    'containerDefinitions',
    'volumes',
    'placementConstraints',
    'requiresCompatibilities',
    'cpu',
    'memory',
    'pidMode',
    'ipcMode',
    'proxyConfiguration',
    'inferenceAccelerators',
    'ephemeralStorage',
    'runtimePlatform',
    'enableFaultInjection',
];
function registerTaskDefinition(ecs, input, registeredBy) {
    const { cpu, memory } = validateTaskDefinition(input);
    const family = input.family;
    const revisions = ecs.taskDefs.get(family) ?? [];
    const revision = revisions.length + 1;
    const arn = ecs.arn(`task-definition/${family}:${revision}`);
    const containers = input.containerDefinitions;
    const body = { taskDefinitionArn: arn };
    for (const k of INPUT_FIELDS)
        if (input[k] !== undefined)
            body[k] = structuredClone(input[k]);
    body.cpu = cpu;
    body.memory = memory;
    body.revision = revision;
    body.volumes ??= [];
    body.placementConstraints ??= [];
    body.status = 'ACTIVE';
    body.requiresAttributes = requiresAttributes(input, containers);
    const fargateOk = input.networkMode === 'awsvpc' && cpu !== undefined && memory !== undefined;
    body.compatibilities = fargateOk ? ['EC2', 'FARGATE'] : ['EC2'];
    body.registeredAt = new Date(ecs.now());
    body.registeredBy = registeredBy;
    const td = {
        arn,
        family,
        revision,
        status: 'ACTIVE',
        body,
        tags: (input.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
    };
    revisions.push(td);
    ecs.taskDefs.set(family, revisions);
    return td;
}
function describeOrThrow(ecs, ref) {
    const td = typeof ref === 'string' ? ecs.findTaskDef(ref) : undefined;
    if (!td)
        throw client('Unable to describe task definition.');
    return td;
}
function taskdefs_page(items, input) {
    const start = typeof input.nextToken === 'string' ? Number(input.nextToken) || 0 : 0;
    const max = Math.min(Number(input.maxResults ?? 100), 100);
    const slice = items.slice(start, start + max);
    return { items: slice, nextToken: start + max < items.length ? String(start + max) : undefined };
}
const taskDefinitionHandlers = {
    RegisterTaskDefinition(input, ctx) {
        const ecs = taskdefs_ecsOf(ctx);
        const td = registerTaskDefinition(ecs, input, `arn:aws:iam::${ctx.accountId}:user/cendence-emulator`);
        return { taskDefinition: td.body, tags: td.tags };
    },
    DescribeTaskDefinition(input, ctx) {
        const td = describeOrThrow(taskdefs_ecsOf(ctx), input.taskDefinition);
        const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
        return { taskDefinition: td.body, tags: withTags ? td.tags : undefined };
    },
    DeregisterTaskDefinition(input, ctx) {
        const ecs = taskdefs_ecsOf(ctx);
        const ref = String(input.taskDefinition ?? '');
        const tail = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 16) : ref;
        if (!tail.includes(':'))
            throw client('The task definition revision must be specified (family:revision or an ARN).');
        const td = describeOrThrow(ecs, ref);
        if (td.status === 'ACTIVE') {
            td.status = 'INACTIVE';
            td.body.status = 'INACTIVE';
            td.body.deregisteredAt = new Date(ecs.now());
        }
        return { taskDefinition: td.body };
    },
    ListTaskDefinitions(input, ctx) {
        const ecs = taskdefs_ecsOf(ctx);
        const status = input.status ?? 'ACTIVE';
        let all = [...ecs.taskDefs.values()].flat();
        if (input.familyPrefix)
            all = all.filter((t) => t.family === input.familyPrefix);
        all = all.filter((t) => t.status === status);
        all.sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision);
        if (input.sort === 'DESC')
            all.reverse();
        const { items, nextToken } = taskdefs_page(all.map((t) => t.arn), input);
        return { taskDefinitionArns: items, nextToken };
    },
    ListTaskDefinitionFamilies(input, ctx) {
        const ecs = taskdefs_ecsOf(ctx);
        const status = input.status ?? 'ACTIVE';
        const families = [...ecs.taskDefs.entries()]
            .filter(([f, revs]) => f.startsWith(input.familyPrefix ?? '') &&
            (status === 'ALL' || revs.some((r) => r.status === status)))
            .map(([f]) => f)
            .sort();
        const { items, nextToken } = taskdefs_page(families, input);
        return { families: items, nextToken };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/tasks-api.ts
// Task API calls: RunTask, DescribeTasks (≤100, unknown → failures MISSING), ListTasks, StopTask.





const tasks_api_ecsOf = (ctx) => worldOf(ctx).ecs;
const tasks_api_invalid = (message) => new AwsError('InvalidParameterException', message);
const taskHandlers = {
    RunTask(input, ctx) {
        const ecs = tasks_api_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        const td = resolveTaskDefinition(ecs, input.taskDefinition);
        const count = input.count === undefined ? 1 : Number(input.count);
        if (!Number.isInteger(count) || count < 1 || count > 10)
            throw tasks_api_invalid('count must be between 1 and 10.');
        const vpc = input.networkConfiguration?.awsvpcConfiguration;
        if (td.body.networkMode === 'awsvpc' && !vpc?.subnets?.length) {
            throw tasks_api_invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }
        if (typeof input.startedBy === 'string' && input.startedBy.length > 36) {
            throw tasks_api_invalid('startedBy can be at most 36 characters.');
        }
        const launchType = input.launchType ?? (input.capacityProviderStrategy ? undefined : 'FARGATE');
        if (launchType === 'FARGATE' && !td.body.compatibilities.includes('FARGATE')) {
            throw tasks_api_invalid('Task definition does not support launch_type FARGATE.');
        }
        const tasks = [];
        for (let i = 0; i < count; i++) {
            tasks.push(launchTask(ecs, {
                taskDef: td,
                clusterArn: cluster.clusterArn,
                startedBy: input.startedBy,
                group: input.group ?? `family:${td.family}`,
                launchType: launchType ?? 'FARGATE',
                platformVersion: input.platformVersion,
                networkConfiguration: input.networkConfiguration,
                overrides: input.overrides,
                tags: input.tags,
            }));
        }
        return { tasks: tasks.map((t) => taskOut(t)), failures: [] };
    },
    DescribeTasks(input, ctx) {
        const ecs = tasks_api_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        const refs = input.tasks;
        if (!Array.isArray(refs) || refs.length === 0)
            throw tasks_api_invalid('Tasks cannot be empty.');
        if (refs.length > 100)
            throw tasks_api_invalid('tasks can have at most 100 items.');
        const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
        const tasks = [];
        const failures = [];
        for (const ref of refs) {
            const arn = ecs.arn(`task/${cluster.clusterName}/${lastSegment(ref)}`);
            const t = ecs.tasks.get(arn);
            if (t)
                tasks.push(taskOut(t, withTags));
            else
                failures.push({ arn: ref.startsWith('arn:') ? ref : arn, reason: 'MISSING' });
        }
        return { tasks, failures };
    },
    ListTasks(input, ctx) {
        const ecs = tasks_api_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        // ECS: "When you specify startedBy as the filter, it must be the only filter that you use."
        const others = ['serviceName', 'family', 'containerInstance', 'launchType', 'desiredStatus'].filter((k) => input[k] !== undefined);
        if (input.startedBy && others.length) {
            throw tasks_api_invalid(`startedBy must be the only filter: remove ${others.join(', ')}.`);
        }
        let serviceName;
        if (input.serviceName) {
            const svc = ecs.findService(cluster, input.serviceName);
            if (!svc)
                throw new AwsError('ServiceNotFoundException', 'Service not found.');
            serviceName = svc.serviceName;
        }
        const desired = input.desiredStatus ?? 'RUNNING';
        const arns = [];
        for (const t of ecs.tasks.values()) {
            if (t.clusterArn !== cluster.clusterArn || t.desiredStatus !== desired)
                continue;
            if (serviceName && t.sim.serviceName !== serviceName)
                continue;
            if (input.family && t.family !== input.family)
                continue;
            if (input.startedBy && t.startedBy !== input.startedBy)
                continue;
            if (input.launchType && t.launchType !== input.launchType)
                continue;
            arns.push(t.taskArn);
        }
        const start = Number(input.nextToken ?? 0) || 0;
        const max = Math.min(Number(input.maxResults ?? 100), 100);
        return {
            taskArns: arns.slice(start, start + max),
            nextToken: start + max < arns.length ? String(start + max) : undefined,
        };
    },
    StopTask(input, ctx) {
        const ecs = tasks_api_ecsOf(ctx);
        const cluster = ecs.cluster(input.cluster);
        const t = ecs.tasks.get(ecs.arn(`task/${cluster.clusterName}/${lastSegment(String(input.task ?? ''))}`));
        if (!t)
            throw tasks_api_invalid('The referenced task was not found.');
        stopTask(ecs, t, { stopCode: 'UserInitiated', reason: input.reason ?? 'Task stopped by user' });
        return { task: taskOut(t) };
    },
};

;// CONCATENATED MODULE: ./emulator/src/ecs/handlers.ts






const ecsHandlers = {
    ...clusterHandlers,
    ...taskDefinitionHandlers,
    ...serviceHandlers,
    ...serviceDeploymentHandlers,
    ...taskHandlers,
    ...tagHandlers,
};

;// CONCATENATED MODULE: ./emulator/src/elbv2/handlers.ts
// ELBv2 over the query protocol (PascalCase in and out). Describe, modify and the Create* calls used
// for seeding. Wire error codes drop the "Exception" suffix, as AWS's do.


/** Query lists arrive as arrays, or as "" for an explicitly empty list. */
const list = (v) => (Array.isArray(v) ? v : []);
const elb = (ctx) => worldOf(ctx).elbv2;
function publicTargetGroup(tg) {
    const { deregistrationDelaySeconds: _, ...rest } = tg;
    return rest;
}
function healthOf(t) {
    return {
        Target: { Id: t.Id, Port: t.Port },
        HealthCheckPort: String(t.Port),
        TargetHealth: { State: t.state, Reason: t.reason, Description: t.description },
    };
}
function pick(all, wanted, key, notFound) {
    const items = [...all];
    if (wanted.length === 0)
        return items;
    const out = [];
    for (const w of wanted) {
        const found = items.find((x) => key(x) === w);
        if (!found)
            throw notFound();
        out.push(found);
    }
    return out;
}
const elbv2Handlers = {
    DescribeLoadBalancers(input, ctx) {
        const s = elb(ctx);
        const arns = list(input.LoadBalancerArns);
        const names = list(input.Names);
        const notFound = () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
        let lbs = pick(s.loadBalancers.values(), arns, (l) => l.LoadBalancerArn, notFound);
        if (names.length)
            lbs = pick(lbs, names, (l) => l.LoadBalancerName, notFound);
        return { LoadBalancers: lbs };
    },
    DescribeTargetGroups(input, ctx) {
        const s = elb(ctx);
        const notFound = () => new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        let tgs = pick(s.targetGroups.values(), list(input.TargetGroupArns), (t) => t.TargetGroupArn, notFound);
        tgs = pick(tgs, list(input.Names), (t) => t.TargetGroupName, notFound);
        if (input.LoadBalancerArn) {
            if (!s.loadBalancers.has(input.LoadBalancerArn)) {
                throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
            }
            tgs = tgs.filter((t) => t.LoadBalancerArns.includes(input.LoadBalancerArn));
        }
        return { TargetGroups: tgs.map(publicTargetGroup) };
    },
    DescribeListeners(input, ctx) {
        const s = elb(ctx);
        const arns = list(input.ListenerArns);
        if (!input.LoadBalancerArn && arns.length === 0) {
            throw new AwsError('ValidationError', 'You must specify either listener ARNs or a load balancer ARN');
        }
        if (input.LoadBalancerArn && !s.loadBalancers.has(input.LoadBalancerArn)) {
            throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
        }
        const notFound = () => new AwsError('ListenerNotFound', 'One or more listeners not found');
        let ls = pick(s.listeners.values(), arns, (l) => l.ListenerArn, notFound);
        if (input.LoadBalancerArn)
            ls = ls.filter((l) => l.LoadBalancerArn === input.LoadBalancerArn);
        return { Listeners: ls };
    },
    DescribeRules(input, ctx) {
        const s = elb(ctx);
        const arns = list(input.RuleArns);
        if (!input.ListenerArn && arns.length === 0) {
            throw new AwsError('ValidationError', 'You must specify either listener rule ARNs or a listener ARN');
        }
        if (input.ListenerArn && !s.listeners.has(input.ListenerArn)) {
            throw new AwsError('ListenerNotFound', 'One or more listeners not found');
        }
        const notFound = () => new AwsError('RuleNotFound', 'One or more rules not found');
        let rules = pick(s.rules.values(), arns, (r) => r.RuleArn, notFound);
        if (input.ListenerArn)
            rules = rules.filter((r) => r.ListenerArn === input.ListenerArn);
        return { Rules: rules.map(({ ListenerArn: _, ...r }) => r) };
    },
    DescribeTargetHealth(input, ctx) {
        const s = elb(ctx);
        const targets = s.targets.get(input.TargetGroupArn);
        if (!targets)
            throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        const wanted = list(input.Targets);
        const all = [...targets.values()];
        if (wanted.length === 0)
            return { TargetHealthDescriptions: all.map(healthOf) };
        return {
            TargetHealthDescriptions: wanted.map((w) => {
                const t = all.find((x) => x.Id === w.Id && (w.Port === undefined || x.Port === Number(w.Port)));
                if (t)
                    return healthOf(t);
                return {
                    Target: { Id: w.Id, Port: w.Port === undefined ? undefined : Number(w.Port) },
                    TargetHealth: {
                        State: 'unavailable',
                        Reason: 'Target.NotRegistered',
                        Description: 'Target is not registered to the target group',
                    },
                };
            }),
        };
    },
    ModifyRule(input, ctx) {
        const rule = elb(ctx).modifyRule(input.RuleArn, {
            Actions: input.Actions === undefined ? undefined : list(input.Actions),
            Conditions: input.Conditions === undefined ? undefined : list(input.Conditions),
        });
        const { ListenerArn: _, ...out } = rule;
        return { Rules: [out] };
    },
    ModifyListener(input, ctx) {
        const l = elb(ctx).modifyListener(input.ListenerArn, {
            DefaultActions: input.DefaultActions === undefined ? undefined : list(input.DefaultActions),
            Port: input.Port === undefined ? undefined : Number(input.Port),
            Protocol: input.Protocol,
        });
        return { Listeners: [l] };
    },
    CreateLoadBalancer(input, ctx) {
        const lb = elb(ctx).createLoadBalancer({
            Name: input.Name,
            Type: input.Type,
            Scheme: input.Scheme,
            Subnets: list(input.Subnets),
            SecurityGroups: list(input.SecurityGroups),
        });
        return { LoadBalancers: [lb] };
    },
    CreateTargetGroup(input, ctx) {
        return { TargetGroups: [publicTargetGroup(elb(ctx).createTargetGroup(input))] };
    },
    CreateListener(input, ctx) {
        const l = elb(ctx).createListener({ ...input, DefaultActions: list(input.DefaultActions) });
        return { Listeners: [l] };
    },
    CreateRule(input, ctx) {
        const r = elb(ctx).createRule({
            ListenerArn: input.ListenerArn,
            Priority: Number(input.Priority),
            Conditions: list(input.Conditions),
            Actions: list(input.Actions),
        });
        const { ListenerArn: _, ...out } = r;
        return { Rules: [out] };
    },
    RegisterTargets(input, ctx) {
        const s = elb(ctx);
        const tg = s.targetGroups.get(input.TargetGroupArn);
        if (!tg)
            throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        for (const t of list(input.Targets)) {
            s.registerTarget(tg.TargetGroupArn, t.Id, Number(t.Port ?? tg.Port), true);
        }
        return {};
    },
    DeregisterTargets(input, ctx) {
        const s = elb(ctx);
        const tg = s.targetGroups.get(input.TargetGroupArn);
        if (!tg)
            throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        for (const t of list(input.Targets)) {
            s.deregisterTarget(tg.TargetGroupArn, t.Id, Number(t.Port ?? tg.Port));
        }
        return {};
    },
    DescribeTargetGroupAttributes(input, ctx) {
        const tg = elb(ctx).targetGroups.get(input.TargetGroupArn);
        if (!tg)
            throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        return {
            Attributes: [
                { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
            ],
        };
    },
    ModifyTargetGroupAttributes(input, ctx) {
        const tg = elb(ctx).targetGroups.get(input.TargetGroupArn);
        if (!tg)
            throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
        for (const a of list(input.Attributes)) {
            if (a.Key === 'deregistration_delay.timeout_seconds')
                tg.deregistrationDelaySeconds = Number(a.Value);
        }
        return {
            Attributes: [
                { Key: 'deregistration_delay.timeout_seconds', Value: String(tg.deregistrationDelaySeconds) },
            ],
        };
    },
};

;// CONCATENATED MODULE: ./emulator/src/logs/handlers.ts
// CloudWatch Logs (JSON 1.1): CreateLogGroup, DescribeLogGroups, DescribeLogStreams, GetLogEvents,
// FilterLogEvents (plain substring patterns, or quoted terms).


const logs = (ctx) => worldOf(ctx).logs;
function groupOf(ctx, name) {
    const g = typeof name === 'string' ? logs(ctx).groups.get(name) : undefined;
    if (!g)
        throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
}
function matches(pattern, message) {
    if (!pattern)
        return true;
    const terms = pattern.match(/"[^"]*"|\S+/g) ?? [];
    return terms.every((t) => message.includes(t.replace(/^"|"$/g, '')));
}
const logsHandlers = {
    CreateLogGroup(input, ctx) {
        const s = logs(ctx);
        if (s.groups.has(input.logGroupName)) {
            throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
        }
        if (typeof input.logGroupName !== 'string' || !/^[\w\-/.#]{1,512}$/.test(input.logGroupName)) {
            throw new AwsError('InvalidParameterException', 'Invalid log group name');
        }
        s.createGroup(input.logGroupName);
        return {};
    },
    DescribeLogGroups(input, ctx) {
        const s = logs(ctx);
        const prefix = input.logGroupNamePrefix ?? '';
        const groups = [...s.groups.values()]
            .filter((g) => g.logGroupName.startsWith(prefix))
            .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName))
            .map((g) => ({
            logGroupName: g.logGroupName,
            creationTime: g.creationTime,
            retentionInDays: g.retentionInDays,
            arn: s.groupArn(g.logGroupName),
            storedBytes: 0,
        }));
        return { logGroups: groups };
    },
    DescribeLogStreams(input, ctx) {
        const g = groupOf(ctx, input.logGroupName);
        const prefix = input.logStreamNamePrefix ?? '';
        const streams = [...g.streams.values()]
            .filter((s) => s.logStreamName.startsWith(prefix))
            .map((s) => ({
            logStreamName: s.logStreamName,
            creationTime: s.creationTime,
            firstEventTimestamp: s.events[0]?.timestamp,
            lastEventTimestamp: s.events.at(-1)?.timestamp,
            lastIngestionTime: s.events.at(-1)?.ingestionTime,
        }));
        return { logStreams: streams };
    },
    GetLogEvents(input, ctx) {
        const g = groupOf(ctx, input.logGroupName);
        const stream = g.streams.get(input.logStreamName);
        if (!stream)
            throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        const start = Number(input.startTime ?? 0);
        const end = input.endTime === undefined ? Number.POSITIVE_INFINITY : Number(input.endTime);
        const all = stream.events.filter((e) => e.timestamp >= start && e.timestamp < end);
        const from = typeof input.nextToken === 'string' ? Number(input.nextToken.slice(2)) : 0;
        const limit = Math.min(Number(input.limit ?? 10000), 10000);
        const events = all.slice(from, from + limit);
        const next = `f/${from + events.length}`;
        return { events, nextForwardToken: next, nextBackwardToken: `b/${from}` };
    },
    FilterLogEvents(input, ctx) {
        const g = groupOf(ctx, input.logGroupName);
        const names = input.logStreamNames;
        const prefix = input.logStreamNamePrefix;
        const start = Number(input.startTime ?? 0);
        const end = input.endTime === undefined ? Number.POSITIVE_INFINITY : Number(input.endTime);
        const events = [];
        for (const s of g.streams.values()) {
            if (names && !names.includes(s.logStreamName))
                continue;
            if (prefix && !s.logStreamName.startsWith(prefix))
                continue;
            for (const [i, e] of s.events.entries()) {
                if (e.timestamp < start || e.timestamp >= end || !matches(input.filterPattern, e.message))
                    continue;
                events.push({
                    logStreamName: s.logStreamName,
                    timestamp: e.timestamp,
                    message: e.message,
                    ingestionTime: e.ingestionTime,
                    eventId: `${e.timestamp}${i}`,
                });
            }
        }
        events.sort((a, b) => a.timestamp - b.timestamp);
        const limit = Math.min(Number(input.limit ?? 10000), 10000);
        return { events: events.slice(0, limit), searchedLogStreams: [] };
    },
};

;// CONCATENATED MODULE: ./emulator/src/sts/handlers.ts
// STS: GetCallerIdentity and AssumeRoleWithWebIdentity. The web identity token is checked for shape
// (a JWT: three base64url parts, an RS*/ES* header), an audience and an unexpired exp; signatures are
// not verified (the emulator trusts any issuer).



const handlers_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const upperId = (prefix, n = 16) => prefix + [...(0,external_node_crypto_.randomBytes)(n)].map((b) => handlers_ALNUM[b % handlers_ALNUM.length]).join('');
function decodePart(part) {
    try {
        const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
        return v && typeof v === 'object' ? v : undefined;
    }
    catch {
        return undefined;
    }
}
const invalidToken = (why) => new AwsError('InvalidIdentityToken', why, 400);
const stsHandlers = {
    GetCallerIdentity(_input, ctx) {
        const world = worldOf(ctx);
        const sessions = world.slot('sts', () => new Map());
        const s = ctx.accessKeyId ? sessions.get(ctx.accessKeyId) : undefined;
        if (s) {
            const role = s.roleArn
                .slice(s.roleArn.indexOf(':role/') + 6)
                .split('/')
                .pop();
            return {
                UserId: `${s.roleId}:${s.sessionName}`,
                Account: world.accountId,
                Arn: `arn:aws:sts::${world.accountId}:assumed-role/${role}/${s.sessionName}`,
            };
        }
        return {
            UserId: 'AIDAEMULATOR000000000',
            Account: world.accountId,
            Arn: `arn:aws:iam::${world.accountId}:user/cendence-emulator`,
        };
    },
    AssumeRoleWithWebIdentity(input, ctx) {
        const world = worldOf(ctx);
        const roleArn = String(input.RoleArn ?? '');
        const sessionName = String(input.RoleSessionName ?? '');
        const token = String(input.WebIdentityToken ?? '');
        if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) {
            throw new AwsError('ValidationError', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a valid role ARN`);
        }
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
            throw new AwsError('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
        }
        const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
        if (!(duration >= 900 && duration <= 43200)) {
            throw new AwsError('ValidationError', `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
        }
        const parts = token.split('.');
        if (parts.length !== 3 || parts.some((p) => p === ''))
            throw invalidToken("Couldn't parse the web identity token: it is not a JWT");
        const header = decodePart(parts[0]);
        const claims = decodePart(parts[1]);
        if (!header || !claims)
            throw invalidToken("Couldn't parse the web identity token: header or payload is not JSON");
        if (typeof header.alg !== 'string' || !/^(RS|ES)(256|384|512)$/.test(header.alg)) {
            throw invalidToken('The web identity token must be signed with RS256/384/512 or ES256/384/512');
        }
        const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
        if (typeof aud !== 'string' || aud === '')
            throw invalidToken('Incorrect token audience');
        if (typeof claims.exp !== 'number')
            throw invalidToken('The web identity token has no exp claim');
        const now = world.clock.now();
        if (claims.exp * 1000 <= now) {
            throw new AwsError('ExpiredTokenException', `Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time ${claims.exp}`);
        }
        const sessions = world.slot('sts', () => new Map());
        const accessKeyId = upperId('ASIA');
        const roleId = upperId('AROA', 17);
        sessions.set(accessKeyId, { roleArn, sessionName, roleId });
        const role = roleArn
            .slice(roleArn.indexOf(':role/') + 6)
            .split('/')
            .pop();
        const iss = typeof claims.iss === 'string' ? claims.iss.replace(/^https:\/\//, '') : undefined;
        return {
            Credentials: {
                AccessKeyId: accessKeyId,
                SecretAccessKey: (0,external_node_crypto_.randomBytes)(30).toString('base64'),
                SessionToken: `IQoJb3JpZ2luX2VjE${(0,external_node_crypto_.randomBytes)(96).toString('base64')}`,
                Expiration: new Date(now + duration * 1000),
            },
            SubjectFromWebIdentityToken: typeof claims.sub === 'string' ? claims.sub : undefined,
            AssumedRoleUser: {
                AssumedRoleId: `${roleId}:${sessionName}`,
                Arn: `arn:aws:sts::${roleArn.split(':')[4]}:assumed-role/${role}/${sessionName}`,
            },
            Provider: iss,
            Audience: aud,
        };
    },
};

;// CONCATENATED MODULE: ./emulator/src/services.ts
// README-internal — how a service module plugs into the emulator.
//
// 1. A module exports a `ServiceHandlers` map (operation name → handler) and is listed once in MODULES
//    below. The server decodes the wire protocol (JSON 1.1 by X-Amz-Target, query by Action+Version),
//    records the call, applies throttling and faults, then calls `handlers[Operation](input, ctx)`.
//    Return a plain object (Date values become epoch seconds in JSON, ISO-8601 in XML); throw
//    `AwsError(code, message, status)` for modeled errors. An operation missing from the map answers
//    UnknownOperationException.
// 2. State is per emulator and per reset, never module-level: `worldOf(ctx)` (context.ts — import it
//    from there, not from this file, to avoid an import cycle) returns the `World`
//    (state.ts). It holds `clock`, `region`, `accountId`, `host`, and the shared services:
//      - `world.ecs`    (ecs/state.ts): clusters, task definitions, services, tasks. CodeDeploy drives ECS
//        through ecs/external.ts: startTaskSet / promoteTaskSet / removeTaskSet / taskSetCounts.
//      - `world.elbv2`  (elbv2/state.ts): target groups, listeners, rules; `setForwardWeights(ruleOrListenerArn,
//        [{targetGroupArn, weight}])` and `forwardWeights(arn)` shift traffic like ECS/CodeDeploy do.
//      - `world.logs`   (logs/state.ts): `putEvents(group, stream, lines)`.
//      - `world.slot(key, make)`: your own per-world state (e.g. `world.slot('ecr', () => new EcrState())`);
//        if it has a `snapshot()` method it appears in GET /_cendence/state.
//      - `world.every(ms, fn)`: a timer on the emulator clock that dies with the world (never setInterval).
// 3. Raw HTTP routes (ECR's /v2/ registry API) are `RawRoute`s tried before the AWS API; the server
//    passes the context as a 4th argument, so declare it `(req, res, url, ctx?: HandlerContext)`
//    and call `worldOf(ctx!)`.
// 4. World files: `seed(world, spec)` receives the whole WorldSpec (world.ts) after ECS/ELBv2 seeding,
//    e.g. ECR creates `spec.repositories`.






const MODULES = [
    { service: 'ecs', handlers: ecsHandlers },
    { service: 'elbv2', handlers: elbv2Handlers },
    { service: 'sts', handlers: stsHandlers },
    { service: 'logs', handlers: logsHandlers },
    { service: 'ecr', handlers: ecrHandlers, rawRoutes: [registryRoute], seed: ecr_seedRepositories },
    { service: 'codedeploy', handlers: codedeployHandlers, seed: seedCodeDeployGroups },
];

;// CONCATENATED MODULE: ./emulator/src/ecs/state.ts
// ECS state for one world and the scheduler tick that moves it along the emulator clock: task
// lifecycles (tasks.ts), then each service's deployments (deployments.ts, bluegreen.ts).




/** Scheduler resolution: every lifecycle transition lands on a whole emulated second. */
const state_TICK_MS = 1000;
/** Stopped tasks stay describable this long (ECS: at least one hour). */
const STOPPED_TASK_TTL_MS = 3600_000;
class EcsState {
    world;
    clusters = new Map();
    /** family → revisions, index = revision - 1. */
    taskDefs = new Map();
    services = new Map();
    tasks = new Map();
    /** Tasks not yet STOPPED: the only ones the tick looks at. */
    live = new Set();
    serviceDeployments = new Map();
    revisions = new Map();
    constructor(world) {
        this.world = world;
        world.every(state_TICK_MS, () => this.tick());
    }
    now() {
        return this.world.clock.now();
    }
    arn(resource) {
        return this.world.arn('ecs', resource);
    }
    // --- lookups ------------------------------------------------------------------------------------
    /** A cluster by name or ARN (default "default"); ClusterNotFoundException otherwise. */
    cluster(ref) {
        const c = this.findCluster(ref);
        if (c?.status !== 'ACTIVE')
            throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
        return c;
    }
    findCluster(ref) {
        const name = lastSegment(ref || 'default');
        return this.clusters.get(this.arn(`cluster/${name}`));
    }
    /** A service by name or ARN in a cluster (undefined if none, including deleted ones gone for good). */
    findService(cluster, ref) {
        return this.services.get(this.arn(`service/${cluster.clusterName}/${lastSegment(ref)}`));
    }
    /** An ACTIVE service, or ServiceNotFoundException / ServiceNotActiveException. */
    activeService(cluster, ref) {
        const svc = this.findService(cluster, ref);
        if (!svc)
            throw new AwsError('ServiceNotFoundException', 'Service not found.');
        if (svc.status !== 'ACTIVE')
            throw new AwsError('ServiceNotActiveException', 'Service was not ACTIVE.');
        return svc;
    }
    /**
     * "family", "family:rev" or a task definition ARN. A bare family resolves to the latest ACTIVE
     * revision.
     */
    findTaskDef(ref) {
        if (!ref)
            return undefined;
        const tail = ref.startsWith('arn:') ? ref.slice(ref.indexOf('task-definition/') + 16) : ref;
        const [family, rev] = tail.split(':');
        const revisions = this.taskDefs.get(family);
        if (!revisions)
            return undefined;
        if (rev === undefined)
            return [...revisions].reverse().find((t) => t.status === 'ACTIVE');
        return revisions[Number(rev) - 1];
    }
    tasksOf(svc) {
        const out = [];
        for (const t of this.live)
            if (t.sim.serviceName === svc.serviceName && t.clusterArn === svc.clusterArn)
                out.push(t);
        return out;
    }
    tallies = new Map();
    /**
     * Counts a target (de)registration or a draining task; tick() turns the counts into one event each,
     * as ECS does ("registered 2 targets in (target-group …)").
     */
    tally(svc, kind, targetGroupArn = '') {
        let m = this.tallies.get(svc);
        if (!m) {
            m = new Map();
            this.tallies.set(svc, m);
        }
        const key = `${kind} ${targetGroupArn}`;
        m.set(key, (m.get(key) ?? 0) + 1);
    }
    flushTallies() {
        for (const [svc, m] of this.tallies) {
            for (const [key, n] of m) {
                const [kind, tg] = key.split(' ');
                const name = svc.serviceName;
                if (kind === 'draining')
                    this.event(svc, `(service ${name}) has begun draining connections on ${n} tasks.`);
                else
                    this.event(svc, `(service ${name}) ${kind} ${n} targets in (target-group ${tg})`);
            }
        }
        this.tallies.clear();
    }
    /** Appends a service event (newest first, latest 100 kept). */
    event(svc, message) {
        svc.events.unshift({ id: crypto.randomUUID(), createdAt: this.now(), message });
        if (svc.events.length > 100)
            svc.events.length = 100;
    }
    // --- the scheduler ----------------------------------------------------------------------------------
    tick() {
        const now = this.now();
        this.world.elbv2.tick(now);
        for (const task of [...this.live])
            advanceTask(this, task, now);
        for (const svc of this.services.values()) {
            if (svc.status !== 'INACTIVE')
                reconcileService(this, svc, now);
        }
        this.flushTallies();
        if (now % 60_000 < state_TICK_MS)
            this.purge(now);
    }
    purge(now) {
        for (const [arn, t] of this.tasks) {
            if (t.stoppedAt !== undefined && now - t.stoppedAt > STOPPED_TASK_TTL_MS)
                this.tasks.delete(arn);
        }
    }
    snapshot() {
        return {
            clusters: [...this.clusters.values()].map((c) => c.clusterName),
            taskDefinitions: [...this.taskDefs.values()].flat().map((t) => `${t.family}:${t.revision} ${t.status}`),
            services: [...this.services.values()].map((s) => ({
                service: `${lastSegment(s.clusterArn)}/${s.serviceName}`,
                status: s.status,
                desiredCount: s.desiredCount,
                taskDefinition: s.taskDefinition,
                deployments: s.deployments.map((d) => ({
                    id: d.id,
                    status: d.status,
                    rolloutState: d.rolloutState,
                    taskDefinition: d.taskDefinition,
                    running: d.runningCount,
                    pending: d.pendingCount,
                    failedTasks: d.failedTasks,
                    stage: d.sim.stage,
                })),
                events: s.events.slice(0, 10).map((e) => e.message),
            })),
            tasks: [...this.live].map((t) => ({
                id: t.id,
                service: t.sim.serviceName,
                startedBy: t.startedBy,
                lastStatus: t.lastStatus,
                desiredStatus: t.desiredStatus,
                health: t.healthStatus,
                image: t.containers.map((c) => c.image).join(','),
            })),
        };
    }
}

;// CONCATENATED MODULE: ./emulator/src/elbv2/state.ts
// ELBv2 state: load balancers, target groups (with registered targets and their health), listeners and
// rules. Objects are kept in the API's own PascalCase shapes. ECS registers task IPs as targets; ECS
// native blue/green and CodeDeploy move traffic with setForwardWeights.


class Elbv2State {
    world;
    loadBalancers = new Map();
    targetGroups = new Map();
    listeners = new Map();
    rules = new Map();
    /** TargetGroupArn → target key "ip:port" → target. */
    targets = new Map();
    constructor(world) {
        this.world = world;
    }
    arn(kind, name) {
        return this.world.arn('elasticloadbalancing', `${kind}/${name}/${hex(8)}`);
    }
    createLoadBalancer(input) {
        if (!input.Name)
            throw new AwsError('ValidationError', 'A load balancer name is required');
        for (const lb of this.loadBalancers.values()) {
            if (lb.LoadBalancerName === input.Name)
                return lb;
        }
        const type = input.Type ?? 'application';
        const kind = type === 'network' ? 'net' : 'app';
        const lb = {
            LoadBalancerArn: input.arn ?? this.arn(`loadbalancer/${kind}`, input.Name),
            DNSName: `${input.Name}-${hex(4)}.${this.world.region}.elb.amazonaws.com`,
            CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
            CreatedTime: new Date(this.world.clock.now()),
            LoadBalancerName: input.Name,
            Scheme: input.Scheme ?? 'internet-facing',
            VpcId: 'vpc-0emulator',
            State: { Code: 'active' },
            Type: type,
            AvailabilityZones: (input.Subnets ?? ['subnet-0emulator-a']).map((s, i) => ({
                ZoneName: `${this.world.region}${'abc'[i % 3]}`,
                SubnetId: s,
            })),
            SecurityGroups: input.SecurityGroups ?? [],
            IpAddressType: 'ipv4',
        };
        this.loadBalancers.set(lb.LoadBalancerArn, lb);
        return lb;
    }
    createTargetGroup(input) {
        if (!input.Name)
            throw new AwsError('ValidationError', 'A target group name is required');
        for (const tg of this.targetGroups.values()) {
            if (tg.TargetGroupName === input.Name) {
                throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${input.Name}' exists`);
            }
        }
        const protocol = input.Protocol ?? 'HTTP';
        const tg = {
            TargetGroupArn: input.arn ?? this.arn('targetgroup', input.Name),
            TargetGroupName: input.Name,
            Protocol: protocol,
            Port: Number(input.Port ?? 80),
            VpcId: input.VpcId ?? 'vpc-0emulator',
            TargetType: input.TargetType ?? 'ip',
            HealthCheckProtocol: input.HealthCheckProtocol ?? protocol,
            HealthCheckPort: input.HealthCheckPort ?? 'traffic-port',
            HealthCheckEnabled: true,
            HealthCheckPath: input.HealthCheckPath ?? '/',
            HealthCheckIntervalSeconds: Number(input.HealthCheckIntervalSeconds ?? 30),
            HealthCheckTimeoutSeconds: Number(input.HealthCheckTimeoutSeconds ?? 5),
            HealthyThresholdCount: Number(input.HealthyThresholdCount ?? 5),
            UnhealthyThresholdCount: Number(input.UnhealthyThresholdCount ?? 2),
            Matcher: input.Matcher ?? { HttpCode: '200' },
            LoadBalancerArns: [],
            IpAddressType: 'ipv4',
            ProtocolVersion: protocol.startsWith('HTTP') ? 'HTTP1' : undefined,
            deregistrationDelaySeconds: Number(input.deregistrationDelaySeconds ?? 300),
        };
        this.targetGroups.set(tg.TargetGroupArn, tg);
        this.targets.set(tg.TargetGroupArn, new Map());
        return tg;
    }
    createListener(input) {
        const lb = this.loadBalancers.get(input.LoadBalancerArn);
        if (!lb)
            throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
        this.checkActions(input.DefaultActions);
        const listener = {
            ListenerArn: input.arn ?? `${lb.LoadBalancerArn.replace(':loadbalancer/', ':listener/')}/${hex(8)}`,
            LoadBalancerArn: lb.LoadBalancerArn,
            Port: Number(input.Port),
            Protocol: input.Protocol ?? 'HTTP',
            DefaultActions: normalizeActions(input.DefaultActions),
        };
        this.listeners.set(listener.ListenerArn, listener);
        const defaultRule = {
            RuleArn: `${listener.ListenerArn.replace(':listener/', ':listener-rule/')}/${hex(8)}`,
            ListenerArn: listener.ListenerArn,
            Priority: 'default',
            Conditions: [],
            Actions: listener.DefaultActions,
            IsDefault: true,
        };
        this.rules.set(defaultRule.RuleArn, defaultRule);
        this.linkTargetGroups();
        return listener;
    }
    createRule(input) {
        const listener = this.listeners.get(input.ListenerArn);
        if (!listener)
            throw new AwsError('ListenerNotFound', 'One or more listeners not found');
        const priority = String(input.Priority);
        for (const r of this.rules.values()) {
            if (r.ListenerArn === listener.ListenerArn && r.Priority === priority) {
                throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
            }
        }
        this.checkActions(input.Actions);
        const rule = {
            RuleArn: input.arn ?? `${listener.ListenerArn.replace(':listener/', ':listener-rule/')}/${hex(8)}`,
            ListenerArn: listener.ListenerArn,
            Priority: priority,
            Conditions: input.Conditions ?? [],
            Actions: normalizeActions(input.Actions),
            IsDefault: false,
        };
        this.rules.set(rule.RuleArn, rule);
        this.linkTargetGroups();
        return rule;
    }
    checkActions(actions) {
        if (!actions || actions.length === 0)
            throw new AwsError('ValidationError', 'At least one action is required');
        for (const a of actions) {
            const tgs = [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)];
            for (const tg of tgs) {
                if (tg && !this.targetGroups.has(tg)) {
                    throw new AwsError('TargetGroupNotFound', `Target groups '${tg}' not found`);
                }
            }
        }
    }
    /** TargetGroup.LoadBalancerArns follows from the listeners and rules that forward to it. */
    linkTargetGroups() {
        for (const tg of this.targetGroups.values())
            tg.LoadBalancerArns = [];
        const link = (tgArn, lbArn) => {
            const tg = tgArn ? this.targetGroups.get(tgArn) : undefined;
            if (tg && !tg.LoadBalancerArns.includes(lbArn))
                tg.LoadBalancerArns.push(lbArn);
        };
        for (const rule of this.rules.values()) {
            const lbArn = this.listeners.get(rule.ListenerArn)?.LoadBalancerArn;
            if (!lbArn)
                continue;
            for (const a of rule.Actions) {
                link(a.TargetGroupArn, lbArn);
                for (const t of a.ForwardConfig?.TargetGroups ?? [])
                    link(t.TargetGroupArn, lbArn);
            }
        }
    }
    modifyRule(ruleArn, changes) {
        const rule = this.rules.get(ruleArn);
        if (!rule)
            throw new AwsError('RuleNotFound', 'One or more rules not found');
        if (changes.Actions) {
            this.checkActions(changes.Actions);
            rule.Actions = normalizeActions(changes.Actions);
            if (rule.IsDefault) {
                const l = this.listeners.get(rule.ListenerArn);
                if (l)
                    l.DefaultActions = rule.Actions;
            }
        }
        if (changes.Conditions)
            rule.Conditions = changes.Conditions;
        this.linkTargetGroups();
        return rule;
    }
    modifyListener(listenerArn, changes) {
        const l = this.listeners.get(listenerArn);
        if (!l)
            throw new AwsError('ListenerNotFound', 'One or more listeners not found');
        if (changes.DefaultActions) {
            this.checkActions(changes.DefaultActions);
            l.DefaultActions = normalizeActions(changes.DefaultActions);
            for (const r of this.rules.values())
                if (r.ListenerArn === l.ListenerArn && r.IsDefault)
                    r.Actions = l.DefaultActions;
        }
        if (changes.Port !== undefined)
            l.Port = Number(changes.Port);
        if (changes.Protocol !== undefined)
            l.Protocol = changes.Protocol;
        this.linkTargetGroups();
        return l;
    }
    /** The forward weights of a rule (or of a listener's default action, for an NLB listener ARN). */
    forwardWeights(ruleOrListenerArn) {
        const actions = this.actionsOf(ruleOrListenerArn);
        const fwd = actions.find((a) => a.Type === 'forward');
        if (!fwd)
            return [];
        if (fwd.ForwardConfig?.TargetGroups?.length) {
            return fwd.ForwardConfig.TargetGroups.map((t) => ({
                TargetGroupArn: t.TargetGroupArn,
                Weight: t.Weight ?? 1,
            }));
        }
        return fwd.TargetGroupArn ? [{ TargetGroupArn: fwd.TargetGroupArn, Weight: 1 }] : [];
    }
    /** Rewrites a rule's (or listener's) forward action to these weighted target groups. */
    setForwardWeights(ruleOrListenerArn, weights) {
        const actions = [
            { Type: 'forward', Order: 1, ForwardConfig: { TargetGroups: weights.map((w) => ({ ...w })) } },
        ];
        if (this.rules.has(ruleOrListenerArn))
            this.modifyRule(ruleOrListenerArn, { Actions: actions });
        else
            this.modifyListener(ruleOrListenerArn, { DefaultActions: actions });
    }
    actionsOf(arn) {
        const rule = this.rules.get(arn);
        if (rule)
            return rule.Actions;
        const l = this.listeners.get(arn);
        if (l)
            return l.DefaultActions;
        throw new AwsError(arn.includes(':listener-rule/') ? 'RuleNotFound' : 'ListenerNotFound', `'${arn}' not found`);
    }
    // --- targets -------------------------------------------------------------------------------------
    /** Registers a target whose health checks will pass (or fail) once the check thresholds elapse. */
    registerTarget(tgArn, id, port, passes) {
        const tg = this.targetGroups.get(tgArn);
        const map = this.targets.get(tgArn);
        if (!tg || !map)
            return;
        const now = this.world.clock.now();
        const checks = passes ? tg.HealthyThresholdCount : tg.UnhealthyThresholdCount;
        map.set(`${id}:${port}`, {
            Id: id,
            Port: port,
            state: 'initial',
            reason: 'Elb.RegistrationInProgress',
            description: 'Target registration is in progress',
            until: now + checks * tg.HealthCheckIntervalSeconds * 1000,
            passes,
        });
    }
    deregisterTarget(tgArn, id, port) {
        const tg = this.targetGroups.get(tgArn);
        const t = this.targets.get(tgArn)?.get(`${id}:${port}`);
        if (!tg || !t)
            return 0;
        t.state = 'draining';
        t.reason = 'Target.DeregistrationInProgress';
        t.description = 'Target deregistration is in progress';
        t.until = this.world.clock.now() + tg.deregistrationDelaySeconds * 1000;
        return tg.deregistrationDelaySeconds;
    }
    target(tgArn, id, port) {
        return this.targets.get(tgArn)?.get(`${id}:${port}`);
    }
    /** Advances target health to `now` (called from the ECS scheduler tick). */
    tick(now) {
        for (const map of this.targets.values()) {
            for (const [key, t] of map) {
                if (t.until === undefined || t.until > now)
                    continue;
                if (t.state === 'draining') {
                    map.delete(key);
                }
                else if (t.state === 'initial') {
                    t.until = undefined;
                    if (t.passes) {
                        t.state = 'healthy';
                        t.reason = undefined;
                        t.description = undefined;
                    }
                    else {
                        t.state = 'unhealthy';
                        t.reason = 'Target.ResponseCodeMismatch';
                        t.description = 'Health checks failed with these codes: [503]';
                    }
                }
            }
        }
    }
    snapshot() {
        return {
            loadBalancers: [...this.loadBalancers.values()],
            targetGroups: [...this.targetGroups.values()].map((tg) => ({
                ...tg,
                targets: [...(this.targets.get(tg.TargetGroupArn)?.values() ?? [])],
            })),
            listeners: [...this.listeners.values()],
            rules: [...this.rules.values()],
        };
    }
}
/** The console and API always show forward actions with a ForwardConfig and an Order. */
function normalizeActions(actions) {
    return actions.map((a, i) => {
        const out = { ...a, Order: a.Order !== undefined ? Number(a.Order) : i + 1 };
        if (a.Type === 'forward') {
            const groups = a.ForwardConfig?.TargetGroups?.length
                ? a.ForwardConfig.TargetGroups.map((t) => ({
                    TargetGroupArn: t.TargetGroupArn,
                    Weight: Number(t.Weight ?? 1),
                }))
                : a.TargetGroupArn
                    ? [{ TargetGroupArn: a.TargetGroupArn, Weight: 1 }]
                    : [];
            out.ForwardConfig = { ...a.ForwardConfig, TargetGroups: groups };
            if (groups.length === 1)
                out.TargetGroupArn = groups[0].TargetGroupArn;
            else
                delete out.TargetGroupArn;
        }
        return out;
    });
}

;// CONCATENATED MODULE: ./emulator/src/logs/state.ts
class LogsState {
    world;
    groups = new Map();
    constructor(world) {
        this.world = world;
    }
    groupArn(name) {
        return this.world.arn('logs', `log-group:${name}:*`);
    }
    createGroup(name) {
        let g = this.groups.get(name);
        if (!g) {
            g = { logGroupName: name, creationTime: this.world.clock.now(), streams: new Map() };
            this.groups.set(name, g);
        }
        return g;
    }
    /** Appends lines to a stream (creating the stream); the group must exist. */
    putEvents(group, stream, lines, at = this.world.clock.now()) {
        const g = this.groups.get(group);
        if (!g)
            return false;
        let s = g.streams.get(stream);
        if (!s) {
            s = { logStreamName: stream, creationTime: at, events: [] };
            g.streams.set(stream, s);
        }
        for (const [i, message] of lines.entries()) {
            s.events.push({ timestamp: at + i, message, ingestionTime: at + i + 150 });
        }
        return true;
    }
    snapshot() {
        return Object.fromEntries([...this.groups.values()].map((g) => [
            g.logGroupName,
            Object.fromEntries([...g.streams.values()].map((s) => [s.logStreamName, s.events.length])),
        ]));
    }
}

;// CONCATENATED MODULE: ./emulator/src/state.ts
// One emulated AWS account in one region: every service's state, the clock and the task behaviours.
// A World is replaced wholesale on reset. Service modules reach it through worldOf(ctx) (see services.ts).




class World {
    clock;
    region;
    accountId;
    host;
    behaviors = new BehaviorBook();
    elbv2;
    logs;
    ecs;
    slots = new Map();
    stoppers = [];
    constructor(opts) {
        this.clock = opts.clock;
        this.region = opts.region;
        this.accountId = opts.accountId;
        this.host = opts.host;
        this.elbv2 = new Elbv2State(this);
        this.logs = new LogsState(this);
        this.ecs = new EcsState(this);
    }
    /** An ARN in this account and region. */
    arn(service, resource) {
        return `arn:aws:${service}:${this.region}:${this.accountId}:${resource}`;
    }
    /**
     * Per-world state owned by another module (ECR repositories, CodeDeploy deployments), created on
     * first use. Keyed by module name; dropped with the world on reset.
     */
    slot(key, make) {
        let v = this.slots.get(key);
        if (v === undefined) {
            v = make();
            this.slots.set(key, v);
        }
        return v;
    }
    /** Runs `fn` every `ms` of emulated time while this world lives (cancelled on reset/stop). */
    every(ms, fn) {
        this.stoppers.push(this.clock.every(ms, fn));
    }
    /** Registers a cleanup run when the world is discarded. */
    onDispose(fn) {
        this.stoppers.push(fn);
    }
    dispose() {
        for (const stop of this.stoppers.splice(0))
            stop();
    }
    /** A JSON-friendly dump for GET /_cendence/state. */
    snapshot() {
        const modules = {};
        for (const [k, v] of this.slots) {
            const s = v;
            modules[k] = typeof s?.snapshot === 'function' ? s.snapshot() : undefined;
        }
        return {
            now: new Date(this.clock.now()).toISOString(),
            region: this.region,
            accountId: this.accountId,
            ecs: this.ecs.snapshot(),
            elbv2: this.elbv2.snapshot(),
            logs: this.logs.snapshot(),
            behaviors: this.behaviors.list(),
            ...modules,
        };
    }
}

// EXTERNAL MODULE: ./shared/src/manifest/schema.ts
var schema = __webpack_require__(5858);
;// CONCATENATED MODULE: ./emulator/src/world.ts
// World files: the AWS account the emulator starts with (`--world FILE`, YAML or JSON), and
// worldFromManifests(dir) deriving one from services/*/service.yml. Seeded services start steady:
// their tasks are already RUNNING and healthy, their deployment COMPLETED.









function loadWorldFile(file) {
    const text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    const spec = (0,dist/* parse */.qg)(text);
    if (!spec || typeof spec !== 'object')
        throw new Error(`${file}: a world file must be a YAML or JSON object`);
    return spec;
}
const DEFAULT_SUBNETS = ['subnet-0emulator-a', 'subnet-0emulator-b'];
/** Seeds ELBv2, logs, ECS and behaviours (other modules seed through their ServiceModule.seed). */
function seedCore(world, spec) {
    const elb = world.elbv2;
    for (const g of spec.logGroups ?? [])
        world.logs.createGroup(g);
    for (const tg of spec.targetGroups ?? []) {
        elb.createTargetGroup({
            arn: tg.arn,
            Name: tg.name,
            Port: tg.port ?? 80,
            Protocol: tg.protocol ?? 'HTTP',
            TargetType: 'ip',
            HealthCheckPath: tg.healthCheckPath ?? '/',
            HealthCheckIntervalSeconds: tg.healthCheckIntervalSeconds ?? 30,
            HealthyThresholdCount: tg.healthyThresholdCount ?? 5,
            UnhealthyThresholdCount: tg.unhealthyThresholdCount ?? 2,
            deregistrationDelaySeconds: tg.deregistrationDelaySeconds ?? 300,
        });
    }
    const tgArn = (ref) => {
        if (ref.startsWith('arn:'))
            return ref;
        const tg = [...elb.targetGroups.values()].find((t) => t.TargetGroupName === ref);
        if (!tg)
            throw new Error(`world: target group "${ref}" is not declared under targetGroups`);
        return tg.TargetGroupArn;
    };
    const forward = (f) => [
        {
            Type: 'forward',
            ForwardConfig: {
                TargetGroups: (typeof f === 'string' ? [{ targetGroup: f, weight: 1 }] : f).map((x) => ({
                    TargetGroupArn: tgArn(x.targetGroup),
                    Weight: x.weight ?? 1,
                })),
            },
        },
    ];
    const named = new Map();
    for (const lbSpec of spec.loadBalancers ?? []) {
        const lb = elb.createLoadBalancer({ arn: lbSpec.arn, Name: lbSpec.name, Type: lbSpec.type });
        for (const l of lbSpec.listeners ?? []) {
            const listener = elb.createListener({
                arn: l.arn,
                LoadBalancerArn: lb.LoadBalancerArn,
                Port: l.port,
                Protocol: l.protocol ?? (lbSpec.type === 'network' ? 'TCP' : 'HTTP'),
                DefaultActions: forward(l.forward),
            });
            if (l.name)
                named.set(l.name, listener.ListenerArn);
            for (const r of l.rules ?? []) {
                const conditions = [];
                if (r.pathPattern)
                    conditions.push({
                        Field: 'path-pattern',
                        PathPatternConfig: { Values: [r.pathPattern] },
                        Values: [r.pathPattern],
                    });
                if (r.hostHeader)
                    conditions.push({
                        Field: 'host-header',
                        HostHeaderConfig: { Values: [r.hostHeader] },
                        Values: [r.hostHeader],
                    });
                const rule = elb.createRule({
                    arn: r.arn,
                    ListenerArn: listener.ListenerArn,
                    Priority: r.priority,
                    Conditions: conditions,
                    Actions: forward(r.forward),
                });
                if (r.name)
                    named.set(r.name, rule.RuleArn);
            }
        }
    }
    const ruleArn = (ref) => ref === undefined ? undefined : (named.get(ref) ?? ref);
    const ecs = world.ecs;
    for (const c of spec.clusters ?? [])
        createCluster(ecs, c);
    const by = `arn:aws:iam::${world.accountId}:user/cendence-emulator`;
    for (const td of spec.taskDefinitions ?? [])
        registerTaskDefinition(ecs, td, by);
    for (const s of spec.services ?? []) {
        const cluster = s.cluster ?? 'default';
        if (!ecs.findCluster(cluster))
            createCluster(ecs, cluster);
        let family;
        if (typeof s.taskDefinition === 'string')
            family = s.taskDefinition;
        else {
            const input = s.taskDefinition ?? minimalTaskDefinition(world, s);
            for (const c of input.containerDefinitions ?? []) {
                const opts = c.logConfiguration?.options;
                if (opts?.['awslogs-group'])
                    world.logs.createGroup(opts['awslogs-group']);
            }
            family = registerTaskDefinition(ecs, input, by).arn;
        }
        const lb = s.loadBalancer;
        const loadBalancers = lb
            ? [
                {
                    targetGroupArn: tgArn(lb.targetGroup),
                    containerName: lb.containerName ?? s.name,
                    containerPort: lb.containerPort ?? s.containerPort ?? 8080,
                    advancedConfiguration: lb.alternateTargetGroup
                        ? {
                            alternateTargetGroupArn: tgArn(lb.alternateTargetGroup),
                            productionListenerRule: ruleArn(lb.productionListenerRule),
                            testListenerRule: ruleArn(lb.testListenerRule),
                            roleArn: lb.roleArn ??
                                `arn:aws:iam::${world.accountId}:role/ecsInfrastructureRoleForLoadBalancers`,
                        }
                        : undefined,
                },
            ]
            : [];
        const svc = createService(ecs, {
            cluster,
            serviceName: s.name,
            taskDefinition: family,
            desiredCount: s.desiredCount ?? 1,
            launchType: 'FARGATE',
            networkConfiguration: {
                awsvpcConfiguration: {
                    subnets: s.subnets ?? DEFAULT_SUBNETS,
                    securityGroups: s.securityGroups ?? [],
                    assignPublicIp: 'DISABLED',
                },
            },
            loadBalancers,
            deploymentConfiguration: s.deploymentConfiguration,
            deploymentController: { type: s.deploymentController ?? 'ECS' },
            healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
        }, by);
        // Start steady: tasks already running and healthy, the first deployment COMPLETED.
        const dep = svc.deployments[0];
        dep.sim.targetGroupArn = loadBalancers[0]?.targetGroupArn;
        svc.sim.liveTargetGroupArn = loadBalancers[0]?.targetGroupArn;
        for (const t of launch(ecs, svc, dep, svc.desiredCount))
            settleTask(ecs, t);
        dep.runningCount = svc.desiredCount;
        completeDeployment(ecs, svc, dep);
        svc.sim.steady = true;
        ecs.event(svc, `(service ${svc.serviceName}) has reached a steady state.`);
    }
    for (const b of spec.behaviors ?? [])
        world.behaviors.add(b);
}
function minimalTaskDefinition(world, s) {
    return {
        family: s.name,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
        containerDefinitions: [
            {
                name: s.loadBalancer?.containerName ?? s.name,
                image: s.image ?? `${s.name}:seed`,
                essential: true,
                portMappings: [
                    { containerPort: s.loadBalancer?.containerPort ?? s.containerPort ?? 8080, protocol: 'tcp' },
                ],
            },
        ],
    };
}
const OUTPUT_ONLY = [
    'taskDefinitionArn',
    'revision',
    'status',
    'requiresAttributes',
    'compatibilities',
    'registeredAt',
    'registeredBy',
    'deregisteredAt',
    'deleteRequestedAt',
];
/**
 * A world for the repository's services/*\/service.yml: their clusters, services (task definition from
 * the manifest's template when it parses as JSON, else a minimal Fargate one), target groups, listener
 * rules (created with the ARNs the manifests name) and repositories.
 */
function worldFromManifests(dir) {
    const spec = {
        clusters: [],
        logGroups: [],
        targetGroups: [],
        loadBalancers: [],
        services: [],
        repositories: [],
    };
    const servicesDir = external_node_path_default().join(dir, 'services');
    const names = (0,external_node_fs_.existsSync)(servicesDir) ? (0,external_node_fs_.readdirSync)(servicesDir).sort() : [];
    const rules = [];
    const declareTg = (ref) => {
        const name = ref.startsWith('arn:') ? (ref.split(':targetgroup/')[1]?.split('/')[0] ?? ref) : ref;
        if (!spec.targetGroups.some((t) => t.name === name)) {
            spec.targetGroups.push({
                name,
                arn: ref.startsWith('arn:') ? ref : undefined,
                port: 8080,
                healthCheckIntervalSeconds: 10,
                healthyThresholdCount: 2,
                deregistrationDelaySeconds: 30,
            });
        }
        return name;
    };
    for (const n of names) {
        const file = external_node_path_default().join(servicesDir, n, 'service.yml');
        if (!(0,external_node_fs_.existsSync)(file))
            continue;
        const parsed = schema/* manifestSchema */.rc.safeParse((0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(file, 'utf8')));
        if (!parsed.success)
            throw new Error(`${file}: not a valid service manifest: ${parsed.error.message}`);
        const m = parsed.data;
        const repository = m.repository ?? m.name;
        spec.repositories.push({ name: repository });
        const deploy = m.deploy;
        // Without a cluster (it comes from terraform outputs at deploy time) there is nothing to seed from here.
        if (!deploy?.cluster)
            continue;
        if (!spec.clusters.includes(deploy.cluster))
            spec.clusters.push(deploy.cluster);
        const serviceName = deploy.service ?? m.name;
        const container = deploy.container ?? m.name;
        const port = deploy.blueGreen?.containerPort ?? deploy.codedeploy?.containerPort ?? 8080;
        const td = readTemplate(external_node_path_default().join(servicesDir, n, deploy.taskDefinition), serviceName, container, `${repository}:seed`, port);
        for (const c of td.containerDefinitions ?? []) {
            const g = c.logConfiguration?.options?.['awslogs-group'];
            if (g && !spec.logGroups.includes(g))
                spec.logGroups.push(g);
        }
        const svc = {
            name: serviceName,
            cluster: deploy.cluster,
            desiredCount: deploy.desiredCount ?? 1,
            taskDefinition: td,
            subnets: deploy.network?.subnets,
            securityGroups: deploy.network?.securityGroups,
            deploymentController: deploy.strategy === 'codedeploy' ? 'CODE_DEPLOY' : 'ECS',
        };
        const bg = deploy.blueGreen;
        if (bg) {
            const blue = declareTg(bg.targetGroup);
            const green = declareTg(bg.alternateTargetGroup);
            rules.push({
                arn: bg.productionListenerRule.startsWith('arn:') ? bg.productionListenerRule : undefined,
                name: bg.productionListenerRule,
                priority: rules.length + 1,
                pathPattern: `/${serviceName}/*`,
                forward: [
                    { targetGroup: blue, weight: 100 },
                    { targetGroup: green, weight: 0 },
                ],
            });
            if (bg.testListenerRule) {
                rules.push({
                    arn: bg.testListenerRule.startsWith('arn:') ? bg.testListenerRule : undefined,
                    name: bg.testListenerRule,
                    priority: rules.length + 1,
                    hostHeader: `test.${serviceName}`,
                    forward: [
                        { targetGroup: blue, weight: 100 },
                        { targetGroup: green, weight: 0 },
                    ],
                });
            }
            const strategy = deploy.strategy === 'canary' ? 'CANARY' : deploy.strategy === 'linear' ? 'LINEAR' : 'BLUE_GREEN';
            svc.loadBalancer = {
                targetGroup: blue,
                alternateTargetGroup: green,
                containerName: container,
                containerPort: port,
                productionListenerRule: bg.productionListenerRule,
                testListenerRule: bg.testListenerRule,
                roleArn: bg.roleArn,
            };
            svc.deploymentConfiguration = {
                strategy,
                bakeTimeInMinutes: bg.bakeTimeMinutes,
                canaryConfiguration: strategy === 'CANARY'
                    ? { canaryPercent: bg.canaryPercent, canaryBakeTimeInMinutes: bg.canaryBakeMinutes }
                    : undefined,
                linearConfiguration: strategy === 'LINEAR'
                    ? { stepPercent: bg.linearStepPercent, stepBakeTimeInMinutes: bg.linearStepBakeMinutes }
                    : undefined,
            };
        }
        spec.services.push(svc);
    }
    if (spec.targetGroups.length) {
        spec.loadBalancers.push({
            name: 'cendence-alb',
            listeners: [{ port: 80, forward: spec.targetGroups[0].name, rules }],
        });
    }
    return spec;
}
function readTemplate(file, family, container, image, port) {
    let td;
    if ((0,external_node_fs_.existsSync)(file)) {
        try {
            td = JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
        }
        catch {
            td = undefined; // a template with placeholders that are not JSON yet: fall back to a minimal one
        }
    }
    if (!td) {
        td = {
            family,
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            containerDefinitions: [
                { name: container, image, essential: true, portMappings: [{ containerPort: port, protocol: 'tcp' }] },
            ],
        };
    }
    for (const k of OUTPUT_ONLY)
        delete td[k];
    td.family = typeof td.family === 'string' && /^[A-Za-z0-9_-]+$/.test(td.family) ? td.family : family;
    td.executionRoleArn ??= 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';
    for (const c of td.containerDefinitions ?? []) {
        if (typeof c.image !== 'string' || /[{}$<>]/.test(c.image) || c.image === '')
            c.image = image;
    }
    return td;
}

;// CONCATENATED MODULE: ./emulator/src/index.ts
// The local AWS emulator: startEmulator() serves ECS, ECR, STS, ELBv2, CodeDeploy and CloudWatch Logs
// over their real wire protocols on 127.0.0.1, plus the /_cendence/ control API. See emulator/README.md.











async function startEmulator(opts = {}) {
    const region = opts.region ?? 'us-east-1';
    const accountId = opts.accountId ?? '123456789012';
    const clock = new EmulatorClock(opts.clock ?? 'virtual', opts.speed ?? 1);
    const initial = typeof opts.world === 'string' ? loadWorldFile(opts.world) : opts.world;
    const calls = new CallLog();
    const faults = new FaultBook();
    const throttler = new Throttler(opts.throttling !== false, typeof opts.throttling === 'object' ? opts.throttling : {});
    let world;
    let host = '127.0.0.1:0';
    const seed = async (spec) => {
        const w = world;
        seedCore(w, spec);
        for (const m of MODULES)
            await m.seed?.(w, spec);
    };
    const fresh = async () => {
        world?.dispose();
        clock.clear();
        world = new World({ clock, region, accountId, host });
        if (initial)
            await seed(initial);
    };
    const reset = async () => {
        calls.clear();
        faults.clear();
        throttler.refill();
        await fresh();
    };
    const internals = { clock, calls, faults, throttler, world: () => world, reset, seed };
    const server = external_node_http_default().createServer((() => {
        const handle = createHandler({
            modules: MODULES,
            world: internals.world,
            calls,
            faults,
            throttler,
            control: controlRoutes(internals),
        });
        return (req, res) => {
            handle(req, res).catch((err) => {
                process.stderr.write(`emulator: ${err.stack ?? err}\n`);
                if (!res.headersSent)
                    res.writeHead(500, { 'content-type': 'application/json' });
                res.end(JSON.stringify({ __type: 'InternalFailure', message: err.message }));
            });
        };
    })());
    server.keepAliveTimeout = 5000;
    await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = server.address().port;
    host = `127.0.0.1:${port}`;
    await fresh();
    return {
        url: `http://${host}`,
        port,
        host,
        clock,
        region,
        accountId,
        get world() {
            return world;
        },
        throttler,
        async stop() {
            world?.dispose();
            clock.clear();
            server.closeAllConnections();
            await new Promise((resolve) => server.close(() => resolve()));
        },
        reset,
        calls: (filter) => calls.list(filter),
        async advance(seconds) {
            await clock.advance(seconds);
        },
        fault: (spec) => void faults.add(spec),
        behavior: (spec) => void world?.behaviors.add(spec),
        seed,
    };
}


/***/ })

};
