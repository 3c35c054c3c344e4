"""The talks of ShelfCon 2026 (all speakers and projects are fictional)."""
from __future__ import annotations

from .sessions import (
    DAY_ONE,
    DAY_TWO,
    DISCOVERY,
    METADATA,
    OPEN_ACCESS,
    PLENARY,
    PRESERVATION,
    Talk,
    clock,
)

SLIDES = "https://slides.shelfcon.example/2026/"

DAY_ONE_TALKS: tuple[Talk, ...] = (
    Talk(
        "keynote-vos", DAY_ONE, clock(9), 45, "Atrium",
        "The Catalogue Is a Promise: Stewardship in an Age of Abundance", ("Ingrid Vos",), PLENARY, "Keynote",
        "Every record we create is a promise to a future reader: that this thing exists, that it can be found, "
        "and that someone is looking after it. Ingrid Vos asks what that promise means when collections grow "
        "faster than our capacity to describe them, and why stewardship, not scale, should set the pace.",
        quotes=("A catalogue record is a promise to a reader we will never meet.",
                "Abundance is not the same as access.",
                "We don't need to describe everything. We need to be honest about what we haven't described."),
        notes=("Vos on backlogs: hidden collections are a stewardship question, not a staffing footnote.",
               "Lovely idea from Vos: publish a 'known gaps' statement alongside the catalogue."),
        slide_alt="Slide reading 'A record is a promise' over a photo of an open card catalogue drawer",
    ),
    Talk(
        "wikidata", DAY_ONE, clock(10), 30, "Atrium",
        "Wikidata for Name Authorities: Three Years In", ("Tomás Ferreira",), METADATA, "Talk",
        "Since 2023 our library has created and reconciled person and organisation records in Wikidata alongside "
        "its local authority file. What worked, what the Wikidata community taught us, and where we still keep "
        "local name authorities.",
        quotes=("Wikidata is not a dump for our authority file. It's a conversation with other people who care "
                "about the same names.",
                "Reconciliation is 80% of the work and 100% of the value."),
        notes=("They've added about 18,000 Wikidata QIDs to local name authorities via OpenRefine reconciliation.",
               "Ferreira: edit-a-thons with special collections doubled the number of women authors with "
               "identifiers."),
        slide_alt="Bar chart of Wikidata QIDs added to name authorities per year, 2023 to 2026",
    ),
    Talk(
        "alt-text-at-scale", DAY_ONE, clock(10), 30, "Reading Room",
        "Alt Text at Scale: Describing 40,000 Digitised Photographs", ("Aisha Rahman",), DISCOVERY, "Talk",
        "How a small digitisation team wrote useful image descriptions for a photo archive of 40,000 items: "
        "a style guide, triage, volunteer review, and where machine-generated captions helped and where they hurt.",
        quotes=("Alt text is not metadata with a different hat on. It answers: what would a sighted researcher "
                "notice first?",
                "Machine captions told us every photo was 'a group of people standing'. Technically true. Useless."),
        notes=("Their triage: describe the 4,000 most-viewed photographs first, then work through collection by "
               "collection.",
               "The alt text style guide is public and CC BY. Want to adapt it for our digitised postcards."),
        slide_alt="Slide comparing a machine caption, 'a group of people standing', with a human description "
                  "naming the flood relief volunteers in the photograph",
        slides_url=SLIDES + "alt-text-at-scale.pdf",
    ),
    Talk(
        "fixity-workshop", DAY_ONE, clock(10), 60, "Map Room",
        "Hands-on Fixity: Checksums, BagIt and You", ("Jonas Lindqvist", "Priya Natarajan"), PRESERVATION,
        "Workshop",
        "Bring a laptop. We will create BagIt bags, generate and verify SHA-256 checksums, and set up a scheduled "
        "fixity check you can run on an ordinary file server.",
        quotes=("If you only verify a checksum when you create it, you don't have fixity, you have a receipt.",
                "Your first fixity failure will be a loose cable, not a cosmic ray."),
        notes=("Just made my first BagIt bag. The SHA-256 manifest looks beautiful.",
               "Natarajan recommends checking fixity on a schedule and on every storage migration."),
        slide_alt="Terminal screenshot showing a BagIt bag validating successfully against its SHA-256 manifest",
    ),
    Talk(
        "marc-to-bibframe", DAY_ONE, clock(10, 30), 30, "Atrium",
        "From MARC to BIBFRAME Without Losing Our Minds", ("Hélène Moreau",), METADATA, "Talk",
        "A report from a two-year BIBFRAME pilot in a university library consortium: conversion pipelines, what "
        "got lost in translation, training cataloguers, and why we still export MARC every night.",
        quotes=("We did not migrate to BIBFRAME. We learned to live in both worlds at once.",
                "Every 'lossless' conversion loses something, usually the cataloguer's notes."),
        notes=("Moreau: the nightly MARC export stays until every downstream system can read BIBFRAME. Honest.",
               "Training cataloguers took longer than building the conversion pipeline. Nobody in the room is "
               "surprised."),
        slide_alt="Diagram of the MARC to BIBFRAME conversion pipeline with an arrow looping back to a nightly "
                  "MARC export",
    ),
    Talk(
        "oa-monitoring", DAY_ONE, clock(10, 30), 30, "Reading Room",
        "Open Access Monitoring with Open Data Only", ("Bart de Graaf",), OPEN_ACCESS, "Talk",
        "Can a university track its open access share without commercial databases? We combined OpenAlex, "
        "Crossref and Unpaywall data with our research information system and compared the result to the vendor "
        "numbers.",
        quotes=("Our open data numbers were within two percentage points of the vendor's.",
                "The hardest part was not the data. It was agreeing on what counts as 'open'."),
        notes=("De Graaf: green open access through the repository is undercounted everywhere, because embargoed "
               "versions aren't linked.",
               "All the notebooks and queries for the open access monitor are published and reusable."),
        slide_alt="Stacked bar chart of gold, green, hybrid and closed access shares from 2021 to 2025",
    ),
    Talk(
        "relevance-logs", DAY_ONE, clock(11, 30), 30, "Atrium",
        "Discovery Layer Relevance Ranking: What Our Logs Told Us", ("Kwame Asante",), DISCOVERY, "Talk",
        "We analysed a year of anonymised search logs from our discovery layer to see where relevance ranking "
        "failed users: known-item searches, multilingual queries, and the eternal problem of 'nature'.",
        quotes=("Forty percent of our searches are known-item searches. The ranking was tuned for exploration.",
                "Users don't fail at searching. Our ranking fails at guessing."),
        notes=("Asante: boosting exact title matches fixed more complaints than any other relevance change.",
               "The 'nature' example (the journal versus everything about nature) got a knowing laugh."),
        slide_alt="Table of the ten most frequent zero-result searches in the discovery layer, typos highlighted",
    ),
    Talk(
        "web-archiving-social", DAY_ONE, clock(11, 30), 30, "Reading Room",
        "Web Archiving Social Media Before It Disappears", ("Lena Okafor",), PRESERVATION, "Talk",
        "Social platforms come and go, and so do the records of the local communities that live on them. Lessons "
        "from a pilot that archived local civic accounts with browser-based crawling, with consent and ethics at "
        "the centre.",
        quotes=("Platforms are not archives. They never promised to be.",
                "We asked for consent first, and most communities said yes, because we asked."),
        notes=("Okafor's team uses browser-based crawling because a classic web crawler misses everything "
               "loaded by scripts.",
               "Good point on web archiving ethics: public is not the same as fine to keep forever."),
        slide_alt="Slide titled 'Consent before capture' with a three-step web archiving workflow",
    ),
    Talk(
        "iiif-maps", DAY_ONE, clock(11, 30), 30, "Map Room",
        "IIIF Manifests for Maps: Georeferencing the Collection", ("Sofia Marchetti",), METADATA, "Talk",
        "Publishing 3,000 historical maps as IIIF resources, crowdsourcing georeferencing, and storing the results "
        "with the IIIF georeference extension so that any viewer can place the maps on a modern basemap.",
        quotes=("A map without coordinates is a picture of a map.",
                "Volunteers georeferenced 1,200 map sheets in six weeks. We had planned for a year."),
        notes=("Marchetti demoed an 18th-century city plan overlaid on today's streets in a IIIF viewer.",
               "They store the georeferencing control points in the IIIF manifest itself."),
        slide_alt="Historical city plan overlaid semi-transparently on a modern street map in a IIIF viewer",
    ),
    Talk(
        "screen-reader-audit", DAY_ONE, clock(12), 30, "Atrium",
        "Screen Readers vs. Our OPAC: An Accessibility Audit", ("Niamh Gallagher",), DISCOVERY, "Talk",
        "We asked blind and low-vision library users to test our catalogue with screen readers. The findings, "
        "the fixes we shipped, and the fixes the vendor still owes us.",
        quotes=("Every facet checkbox was announced as 'checkbox, unchecked'. Forty times. With no label.",
                "Nothing about us without us applies to procurement too."),
        notes=("Gallagher: WCAG 2.2 AA and testing with screen reader users are now in their procurement "
               "requirements.",
               "Paying the accessibility testers properly was in the budget from day one."),
        slide_alt="List of accessibility audit findings grouped as fixed, in progress, and waiting for the vendor",
    ),
    Talk(
        "diamond-oa", DAY_ONE, clock(12), 30, "Reading Room",
        "Diamond Open Access Journals on a Shoestring", ("Mateusz Kowalczyk",), OPEN_ACCESS, "Talk",
        "Our library publishes eleven diamond open access journals with one full-time post. A candid look at "
        "platforms, DOIs, indexing, and the volunteer labour that keeps scholar-led publishing alive.",
        quotes=("Diamond open access is free to read and free to publish. It is not free to run.",
                "One FTE, eleven journals, zero APCs. Ask me how tired I am."),
        notes=("Kowalczyk: Crossref membership and DOI deposits are the best-value money the journals spend.",
               "Big round of applause for the volunteer journal editors in the room."),
        slide_alt="Budget for eleven diamond open access journals on one slide; the largest line is staff time",
        slides_url=SLIDES + "diamond-oa-shoestring.pdf",
    ),
    Talk(
        "pids-compared", DAY_ONE, clock(12), 30, "Map Room",
        "Persistent Identifiers for Everything? ARKs, DOIs and Handles Compared", ("Yuki Tanaka",), PRESERVATION,
        "Talk",
        "A practical comparison of ARKs, DOIs and Handles for digitised heritage collections: costs, governance, "
        "metadata requirements, and what 'persistent' really depends on.",
        quotes=("Persistence is a service commitment, not a property of a string.",
                "The best persistent identifier is the one your institution will still pay for in twenty years."),
        notes=("Tanaka's comparison: ARKs cheapest, DOIs best for citation tracking, Handles mostly legacy.",
               "Persistent identifiers fail when nobody maintains the redirect targets."),
        slide_alt="Comparison table of ARK, DOI and Handle by cost, metadata requirements and governance",
    ),
    Talk(
        "reparative-description", DAY_ONE, clock(13, 30), 30, "Atrium",
        "Reparative Description: Revising Harmful Subject Headings", ("Amara Nwosu",), METADATA, "Talk",
        "How an archive reviewed outdated and harmful terms in its catalogue, worked with affected communities on "
        "replacements, and documented every change so the history of description stays visible.",
        quotes=("We don't erase the old terms. We explain them, and we stop using them.",
                "Description is never neutral. It is always somebody's point of view."),
        notes=("Nwosu: every revised subject heading gets a public change note with the date and the reason.",
               "Their community advisory group was paid and had a veto on replacement terms."),
        slide_alt="Before-and-after catalogue record with a revised subject heading and a visible change note",
    ),
    Talk(
        "emulation-service", DAY_ONE, clock(13, 30), 30, "Reading Room",
        "Emulation as a Service for Born-Digital Archives", ("Pieter Janssens",), PRESERVATION, "Talk",
        "Opening a writer's 1990s floppy disks in their original word processor, in a browser in the reading room. "
        "How we set up emulation as a service for born-digital archives, and what researchers did with it.",
        quotes=("Researchers didn't want the files. They wanted to see what the writer saw.",
                "Our oldest disk image booted on the first try. The second oldest took four months."),
        notes=("Janssens showed WordPerfect 5.1 running in a browser tab, from a writer's floppy disk image.",
               "They keep the disk images plus a documented emulation environment for each born-digital "
               "collection."),
        slide_alt="Screenshot of a blue WordPerfect 5.1 screen running inside a web browser",
    ),
    Talk(
        "sparql-workshop", DAY_ONE, clock(13, 30), 90, "Map Room",
        "SPARQL for Librarians: Your First Queries", ("Rosa Jiménez",), METADATA, "Workshop",
        "A gentle, hands-on introduction to SPARQL using the Wikidata Query Service and a small library linked "
        "data set. No programming background needed.",
        quotes=("SPARQL is just asking questions with a very specific grammar.",
                "If your query times out, you asked the whole world a question. Add a LIMIT."),
        notes=("First SPARQL query of the workshop: every library in the Netherlands with a founding date. "
               "It works!",
               "Jiménez's SPARQL cheat sheet is a lifesaver. Prefixes finally make sense."),
        slide_alt="Wikidata Query Service map view with library locations plotted across the Netherlands",
    ),
    Talk(
        "linked-data-fragments", DAY_ONE, clock(14), 30, "Atrium",
        "Linked Data Fragments in Production at a National Library", ("Erik Johansson",), METADATA, "Talk",
        "Why a national library moved its public linked data service from a SPARQL endpoint to Triple Pattern "
        "Fragments, and what this meant for uptime, caching and users.",
        quotes=("Our public SPARQL endpoint had 99% uptime. The 1% was always a Monday morning.",
                "Put the load on the client, cache everything else."),
        notes=("Johansson: moving to Triple Pattern Fragments lets them serve the linked data from a CDN cache.",
               "They still publish full linked data dumps monthly for heavy users. Sensible."),
        slide_alt="Uptime graph of the linked data service before and after the switch to Triple Pattern Fragments",
    ),
    Talk(
        "rights-statements", DAY_ONE, clock(14), 30, "Reading Room",
        "Rights Statements and the Public Domain Mark in Practice", ("Chiara Bellini",), OPEN_ACCESS, "Talk",
        "Applying RightsStatements.org labels and the Public Domain Mark to a digitised collection of 120,000 items: "
        "the decision tree, the edge cases, and how clear rights labels changed reuse.",
        quotes=("If it's public domain, say so. 'All rights reserved' on a 17th-century print is a lie we tell "
                "by default.",
                "Clear rights labels tripled downloads in a year."),
        notes=("Bellini's rights statement decision tree fits on one slide. Stealing it, with attribution.",
               "Edge cases: anonymous works and unknown death dates get 'No Known Copyright'."),
        slide_alt="Flowchart choosing between Public Domain Mark, No Known Copyright and In Copyright",
        slides_url=SLIDES + "rights-statements-in-practice.pdf",
    ),
    Talk(
        "metadata-dashboards", DAY_ONE, clock(14, 30), 30, "Atrium",
        "Metadata Quality Dashboards with OpenRefine and Python", ("Daan Visser",), METADATA, "Talk",
        "A small set of dashboards that track metadata completeness and consistency across collections, with "
        "OpenRefine for the clean-up and a few Python scripts for weekly reports.",
        quotes=("You can't improve what you never count.",
                "Our worst metadata field was 'date'. It's always 'date'."),
        notes=("Visser: a weekly email with five metadata quality numbers beats a dashboard nobody opens.",
               "The Python scripts behind the metadata dashboards are tiny and readable."),
        slide_alt="Dashboard showing completeness percentages for the title, creator, date and rights fields",
    ),
    Talk(
        "inclusive-wayfinding", DAY_ONE, clock(14, 30), 30, "Reading Room",
        "Inclusive Wayfinding in the Physical and Digital Library", ("Fatima Zahra El Idrissi",), DISCOVERY,
        "Talk",
        "Signs, shelf labels, floor plans and the website's 'find it on the shelf' map, redesigned for people with "
        "low vision or dyslexia, and for everyone who doesn't read the classification scheme fluently.",
        quotes=("Nobody should need to understand the classification scheme to find a book.",
                "We tested our signs with readers with dyslexia. Half of our 'clear' signs were not."),
        notes=("El Idrissi: the shelf maps in the catalogue are generated from the same data as the physical "
               "signs.",
               "High contrast, pictograms and plain language on every shelf sign. Simple, and so rarely done."),
        slide_alt="Photo of a redesigned high-contrast shelf sign with a pictogram and large numerals",
    ),
    Talk(
        "next-gen-panel", DAY_ONE, clock(15, 30), 60, "Atrium",
        "Panel: Is the Next-Generation Catalogue Already Here?",
        ("Marc Dubois", "Kwame Asante", "Hélène Moreau", "Grace Mensah"), PLENARY, "Panel",
        "Vendors have promised the next-generation catalogue for twenty years. Our panel of cataloguers and "
        "systems librarians asks what has actually changed, and what we still want. Moderated by Marc Dubois.",
        quotes=("The next-generation catalogue is the old catalogue with better APIs, and honestly that's fine.",
                "Stop asking what the catalogue should look like. Ask what it should connect to."),
        notes=("The panel agrees: open APIs matter more than a shiny catalogue interface.",
               "An audience question about AI summaries in the catalogue got a very careful answer from all four "
               "panellists."),
        slide_alt="Four panellists seated on stage in the Atrium under a ShelfCon banner",
    ),
    Talk(
        "lightning-talks", DAY_ONE, clock(15, 30), 60, "Reading Room",
        "Lightning Talks", ("Noor Aziz", "Daan Visser", "Elif Demir", "Tomás Ferreira", "Lena Okafor"), PLENARY,
        "Lightning Talks",
        "Five minutes each, no more: quick reports on projects, tools and ideas from the community. Sign up at the "
        "registration desk.",
        quotes=("Five minutes is plenty if you only have one idea.",),
        notes=("Lightning talk: a barcode-scanning shelf inventory app built by two student assistants.",
               "Lightning talk on a local history podcast that now has 2,000 listeners.",
               "Five minutes on deaccessioning ethics. Packed a lot in."),
        slide_alt="A speaker at the lectern in the Reading Room with a five-minute countdown timer on screen",
    ),
)

DAY_TWO_TALKS: tuple[Talk, ...] = (
    Talk(
        "keynote-halvorsen", DAY_TWO, clock(9), 45, "Atrium",
        "Preservation Is a Verb", ("Margit Halvorsen",), PLENARY, "Keynote",
        "Digital preservation is not a place where files go to rest; it is work that never stops. Margit "
        "Halvorsen on maintenance, care, and budgeting for the boring parts.",
        quotes=("Preservation is a verb. Storage is a noun. Don't confuse the two in your budget.",
                "Maintenance is the most radical thing an institution can fund."),
        notes=("Halvorsen: every project proposal should cost the next ten years of preservation, not the first "
               "three.",
               "Her 'boring parts' slide (storage migrations, format monitoring, staff) is going straight into my "
               "next budget request."),
        slide_alt="The words 'Preservation is a verb' in large type on a dark background",
    ),
    Talk(
        "multilingual-discovery", DAY_TWO, clock(10), 30, "Atrium",
        "Discovery for Multilingual Collections: Beyond English-First Search", ("Layla Haddad",), DISCOVERY, "Talk",
        "Arabic, Dutch, Turkish and Polish materials in one discovery system: script handling, transliteration "
        "variants, stemming and interface language. What we fixed and what remains hard.",
        quotes=("If your search only works in English, your collection only exists in English.",
                "Transliteration is where good records go to be unfindable."),
        notes=("Haddad: searching in Arabic script and in transliteration now returns the same records.",
               "Right-to-left display in the facets was broken for years. Nobody reported it because nobody "
               "expected it to work."),
        slide_alt="Two result lists for the same title, one searched in Arabic script and one transliterated, "
                  "showing identical results",
    ),
    Talk(
        "accessible-theses", DAY_TWO, clock(10), 30, "Reading Room",
        "PDF/UA and Accessible Theses: Lessons from a Repository", ("Oliver Brandt",), DISCOVERY, "Talk",
        "Most theses arrive in our repository as inaccessible PDFs. We changed templates, training and deposit "
        "checks to get accessible PDF/UA files, and measured what changed.",
        quotes=("The cheapest accessible PDF is the one that was written accessibly in the first place.",
                "Remediating one thesis took four hours. Fixing the template took one afternoon."),
        notes=("Brandt: the accessible thesis template is now the default in the graduate school.",
               "Automated PDF/UA checks at deposit catch missing tags and alt text before anyone chases the "
               "author."),
        slide_alt="Graph of the share of deposited theses passing PDF/UA checks, rising from 8% to 61%",
    ),
    Talk(
        "fair-reality-check", DAY_TWO, clock(10), 30, "Map Room",
        "Research Data Repositories and the FAIR Principles: A Reality Check", ("Ana Lúcia Costa",), OPEN_ACCESS,
        "Talk",
        "We assessed 400 data sets in our institutional data repository against the FAIR principles. Findable was "
        "easy. Reusable was not.",
        quotes=("Findable is a metadata problem. Reusable is a documentation problem.",
                "A data set without a README is a riddle."),
        notes=("Costa: only a quarter of the data sets had a licence that allows reuse. CC BY is now the default.",
               "They're adding a README template to the data deposit form. Small fix, big effect."),
        slide_alt="Radar chart of FAIR scores for 400 data sets, with Reusable clearly the lowest",
    ),
    Talk(
        "skos-vocabularies", DAY_TWO, clock(10, 30), 30, "Atrium",
        "Controlled Vocabularies as Linked Open Data with SKOS", ("Jan Pieterse",), METADATA, "Talk",
        "Publishing our in-house thesaurus as SKOS: modelling, URIs, versioning and a small browse interface, so "
        "that other collections can link to our concepts.",
        quotes=("A vocabulary nobody can link to is just a private list.",
                "Never reuse a URI. Deprecate, redirect, explain."),
        notes=("Pieterse: every thesaurus release is published as a SKOS file plus a changelog.",
               "The skos:closeMatch versus skos:exactMatch debate in the Q&A. Of course."),
        slide_alt="Graph view of SKOS concepts connected by broader and narrower relations",
    ),
    Talk(
        "read-and-publish", DAY_TWO, clock(10, 30), 30, "Reading Room",
        "Read-and-Publish Agreements: What the Numbers Say", ("Elif Demir",), OPEN_ACCESS, "Talk",
        "Five years of transformative agreements at a library consortium: cost per article, open access output, "
        "and the uneven distribution of benefits between disciplines.",
        quotes=("Transformative agreements transformed our budget more than they transformed publishing.",
                "If the agreement never ends, it isn't transitional."),
        notes=("Demir: humanities authors barely benefit from read-and-publish deals, most of their venues aren't "
               "covered.",
               "Cost per open access article varied by a factor of four between publishers."),
        slide_alt="Scatter plot of cost per article against open access articles per publisher",
    ),
    Talk(
        "newspaper-ocr", DAY_TWO, clock(10, 30), 30, "Map Room",
        "Digitising Fragile Newspapers: OCR Quality and Its Limits", ("Mikko Virtanen",), PRESERVATION, "Talk",
        "Nineteenth-century newspapers, Fraktur type and foxing: measuring OCR quality, re-running OCR with newer "
        "engines, and telling researchers honestly how good the text is.",
        quotes=("Publish your OCR confidence scores. Researchers deserve to know when the text is guessing.",
                "Fraktur plus foxing is the final boss of OCR."),
        notes=("Virtanen: re-running OCR with a newer engine roughly halved the character error rate on Fraktur "
               "pages.",
               "Every digitised newspaper page now shows an OCR quality badge."),
        slide_alt="A foxed Fraktur newspaper column next to its OCR text, with the errors highlighted",
    ),
    Talk(
        "consortial-discovery", DAY_TWO, clock(11, 30), 30, "Atrium",
        "Consortial Discovery: One Index, Twelve Libraries", ("Grace Mensah",), DISCOVERY, "Talk",
        "Twelve libraries, one shared discovery index, twelve different local holdings rules. How the consortium "
        "governs configuration, deduplication and local branding.",
        quotes=("Shared index, shared problems, shared fixes.",
                "Deduplication is a political act."),
        notes=("Mensah: a monthly configuration council with one vote per library keeps the shared index "
               "workable.",
               "Merged records now show every member library's holdings in one place. Users love it; staff needed "
               "time."),
        slide_alt="Map of the twelve member libraries connected to one shared discovery index",
    ),
    Talk(
        "consent-description", DAY_TWO, clock(11, 30), 30, "Reading Room",
        "Community Archives and Consent-Based Description", ("Beatriz Santos",), METADATA, "Talk",
        "Working with neighbourhood community archives on description that the communities control: consent, "
        "restricted fields, and shared authority over who and what is named.",
        quotes=("Consent isn't a form. It's a relationship.",
                "Some things are not ours to describe."),
        notes=("Santos: the community archive decides which names appear publicly; the rest stays in restricted "
               "fields.",
               "Traditional Knowledge labels came up in the Q&A as a model for community consent labels."),
        slide_alt="Slide titled 'Who decides?' showing shared decision-making between archive and community",
    ),
    Talk(
        "alt-text-workshop", DAY_TWO, clock(11, 30), 60, "Map Room",
        "Writing Alt Text for Archival Images", ("Noor Aziz",), DISCOVERY, "Workshop",
        "Practise writing concise alt text and longer descriptions for photographs, maps, manuscripts and charts "
        "from archival collections. Bring examples from your own collections.",
        quotes=("Start with why the image is in the collection, then describe what matters for that.",
                "Alt text and long descriptions are different jobs. Do both, separately."),
        notes=("Workshop exercise: describe a 1930s street photograph in 125 characters. Harder than it sounds.",
               "Aziz's rule of thumb: never start alt text with 'image of'."),
        slide_alt="Workshop handout with three archival photographs and blank lines for alt text",
    ),
    Talk(
        "sunsetting-repository", DAY_TWO, clock(12), 30, "Atrium",
        "Sunsetting a Legacy Repository Gracefully", ("Henrik Dahl",), PRESERVATION, "Talk",
        "Retiring a fifteen-year-old institutional repository: migrating 60,000 items, keeping every handle "
        "resolving, and saying goodbye to custom code nobody understood.",
        quotes=("Every custom feature was someone's good idea in 2011.",
                "The migration plan was easy. Keeping 60,000 handles resolving was the project."),
        notes=("Dahl: they kept a redirect table for every old repository URL and handle. No broken citations "
               "reported so far.",
               "Nice slide on the repository features they deliberately did not migrate."),
        slide_alt="Timeline of the institutional repository from its 2011 launch to its 2026 shutdown",
    ),
    Talk(
        "open-citations", DAY_TWO, clock(12), 30, "Reading Room",
        "Open Citations and the End of the Black Box", ("Clara Weiss",), OPEN_ACCESS, "Talk",
        "Open citation data has reached the point where libraries can build research assessment tools without "
        "proprietary indexes. What's in it, what's missing, and how to use it responsibly.",
        quotes=("Open citation data doesn't just save money. It lets anyone check the numbers.",
                "Coverage of books is still the big gap in open citations."),
        notes=("Weiss: open citation coverage for journal articles is now good enough for most disciplines.",
               "Responsible metrics reminder: citations count attention, not quality."),
        slide_alt="Line chart of open citation coverage by discipline from 2018 to 2026",
        slides_url=SLIDES + "open-citations.pdf",
    ),
    Talk(
        "keynote-adeyemi", DAY_TWO, clock(13, 30), 45, "Atrium",
        "Open by Default, Careful by Design", ("Ruth Adeyemi",), PLENARY, "Keynote",
        "A closing keynote on the tension between openness and care: open access, open data and open collections, "
        "and the people who can be harmed when we open things without thinking.",
        quotes=("Open by default, careful by design. Both halves matter.",
                "Openness without care is just exposure."),
        notes=("Adeyemi tied the whole conference together: reparative description, consent, open access, "
               "accessibility.",
               "Adeyemi: open access and accessibility are the same argument about who gets to use what we "
               "hold."),
        slide_alt="Slide reading 'Open by default, careful by design' beneath a photo of a busy reading room",
    ),
)

TALKS: tuple[Talk, ...] = DAY_ONE_TALKS + DAY_TWO_TALKS
TALKS_BY_KEY: dict[str, Talk] = {talk.key: talk for talk in TALKS}

BIOGRAPHIES: dict[str, str] = {
    "Ingrid Vos": "Ingrid Vos is a (fictional) director of collections who has spent thirty years between card "
                  "catalogues and knowledge graphs.",
    "Marc Dubois": "Marc Dubois (fictional) chairs the ShelfCon programme committee and runs library systems at a "
                   "university library.",
}


def biography(name: str) -> str:
    """A short invented biography; everyone on this programme is fictional."""
    talk_titles = [talk.title for talk in TALKS if name in talk.speakers]
    fallback = f"{name} is a fictional librarian speaking at ShelfCon 2026 about: {'; '.join(talk_titles)}."
    return BIOGRAPHIES.get(name, fallback)
