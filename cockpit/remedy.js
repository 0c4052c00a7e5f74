// remedy's bus, as the person logged in to Cockpit: their own connection
// to the system bus (no "superuser"), so polkit decides every change, the
// same way it does for remedyctl. Every call here is one remedyctl makes.
/* global cockpit */

const SERVICE = "org.remedy.Remedy1";
const PATH = "/org/remedy/Remedy1";
const PREFIX = "org.remedy.Remedy1.";

export const bus = cockpit.dbus(SERVICE, { bus: "system" });

// An a{sv} of options: {"dry-run": true} becomes {"dry-run": {t: "b", v: true}}.
export function options(values = {}) {
    const out = {};
    for (const [key, value] of Object.entries(values)) {
        const type = typeof value === "boolean" ? "b" : typeof value === "string" ? "s" : "u";
        out[key] = { t: type, v: value };
    }
    return out;
}

// remedyd's method `iface.method`, with its D-Bus signature; resolves to the out arguments.
export function call(iface, method, signature, args) {
    return bus.call(PATH, PREFIX + iface, method, args, { type: signature });
}

export async function callJson(iface, method, signature, args) {
    const [text] = await call(iface, method, signature, args);
    return JSON.parse(text);
}

// Follows a Job object until it finishes. Its PropertiesChanged signals are
// sent to this connection alone; a slow poll covers a signal lost on the way.
export function followJob(path, onProgress) {
    return new Promise(resolve => {
        const job = bus.proxy(PREFIX + "Job", path);
        let done = false;
        let timer = null;
        const finish = values => {
            done = true;
            clearInterval(timer);
            let report = {};
            try { report = JSON.parse(values.Report || "{}") } catch (e) { report = {} }
            resolve({ success: values.Success, message: values.Message, errorName: values.ErrorName,
                      actions: values.Actions || [], changed: values.Changed, report });
        };
        const look = values => {
            if (done)
                return;
            if (onProgress && typeof values.Progress === "number")
                onProgress(values.Progress);
            if (values.Finished)
                finish(values);
        };
        job.addEventListener("changed", () => look(job));
        job.wait(() => look(job));
        timer = setInterval(() => {
            bus.call(path, "org.freedesktop.DBus.Properties", "GetAll", [PREFIX + "Job"], { type: "s" })
                    .then(([props]) => {
                        const values = {};
                        for (const [name, variant] of Object.entries(props))
                            values[name] = variant.v;
                        look(values);
                    })
                    .catch(() => {});
        }, 1000);
    });
}

// Starts a job with `method` and waits for it; a refusal rejects like the call's error.
export async function runJob(iface, method, signature, args, onProgress) {
    const [path] = await call(iface, method, signature, args);
    const result = await followJob(path, onProgress);
    if (!result.success && !(result.report && result.report.steps)) {
        const error = new Error(result.message);
        error.name = result.errorName;
        throw error;
    }
    return result;
}

// remedy's message as it sent it, with the error's short name: "NotAuthorized: not authorized for …".
export function errorText(error) {
    const name = (error && error.name) || "";
    const short = name.startsWith(PREFIX + "Error.") ? name.slice((PREFIX + "Error.").length) : name;
    const message = (error && (error.message || error.problem)) || String(error);
    return short && short !== "Error" ? short + ": " + message : message;
}

// "2G", "7783M", "512K" → bytes (remedyctl's size arguments).
export function parseSize(text) {
    const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/i.exec(text.trim());
    if (!match)
        return null;
    const power = { "": 0, K: 1, M: 2, G: 3, T: 4 }[match[2].toUpperCase()];
    return Math.round(Number(match[1]) * 1024 ** power);
}

export function formatBytes(bytes) {
    if (bytes === null || bytes === undefined)
        return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)) + " " + units[unit];
}

// A tiny element builder: h("td", {class: "x"}, "text", child…).
export function h(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) {
        if (value === false || value === null || value === undefined)
            continue;
        if (key.startsWith("on"))
            element.addEventListener(key.slice(2), value);
        else
            element.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat())
        if (child !== null && child !== undefined && child !== false)
            element.append(child instanceof Node ? child : String(child));
    return element;
}

export function showAlert(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
}
