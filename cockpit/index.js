// The page's four sections as tabs; the URL's path names the open one
// (…/remedy#/plans), so Cockpit's back button and links work.
/* global cockpit */
import { bus, showAlert } from "./remedy.js";
import * as overview from "./overview.js";
import * as checklist from "./checklist.js";
import * as plans from "./plans.js";
import * as services from "./services.js";

const sections = { overview, checklist, plans, services };
let current = null;

function open() {
    const wanted = cockpit.location.path[0];
    const name = wanted in sections ? wanted : "overview";
    if (name === current)
        return;
    if (current)
        sections[current].hide();
    current = name;
    for (const section of Object.keys(sections)) {
        const tab = document.getElementById("tab-" + section);
        tab.setAttribute("aria-selected", String(section === name));
        tab.tabIndex = section === name ? 0 : -1;
        document.getElementById(section).hidden = section !== name;
    }
    sections[name].show();
}

for (const name of Object.keys(sections))
    document.getElementById("tab-" + name).addEventListener("click", () => cockpit.location.go([name]));

// remedyd is bus-activated: a missing service is the one thing worth a banner.
bus.addEventListener("close", (event, options) => {
    if (options && options.problem)
        showAlert(document.getElementById("bus-error"), "Cannot reach the system bus: " + options.problem);
});

cockpit.addEventListener("locationchanged", open);
cockpit.transport.wait(() => {
    open();
    document.body.setAttribute("data-ready", "true");
});
