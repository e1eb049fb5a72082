"""The events app's pages, one module for each audience.

- `public`: the catalogue anyone may read (actions, days of action,
  organizations, places);
- `volunteer`: signing up, one's own shifts, account, choices and data, and
  signing up as a guest without an account;
- `feeds`: calendar feeds, public and private;
- `organize`: organizers' actions, shifts, rosters, messages and days of
  action; `organizations`: their organizations, members and invitations.

Views look objects up through `events.rules` (which answers 404 to whoever
may not see them), read through the selectors and write through the services.
"""
