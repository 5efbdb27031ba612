"""EHC plans: the review tracker, local authorities, needs-assessment requests, a pupil's plan and
its versions, annual reviews step by step, advice and its documents, and the review pack.

Views: access -> form -> service -> redirect or render. Which pupils (and so which plans, reviews
and advice) a person sees comes from `ehcp.selectors`; one outside it is a 404, like a missing
one (`ehcp.views._access`). A page the role may not open is a 403 (`school_view`). Every write
goes through `ehcp.services`, whose ValidationErrors are shown on the form (`save_form`); reads
are audited by `staff.http.audited`. Dates and their rules come from `ehcp.rules`.
"""
