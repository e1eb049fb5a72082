from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class CountedPaginator(Paginator):
    """A paginator whose total comes from `count_rows` (a cached count, say)."""

    def __init__(self, *args, count_rows: Callable[[], int], **kwargs):
        super().__init__(*args, **kwargs)
        self.count_rows = count_rows

    @cached_property
    def count(self) -> int:
        return self.count_rows()


def paginate(
    request,
    queryset: QuerySet,
    *,
    per_page: int,
    count: Callable[[], int] | None = None,
    max_pages: int | None = None,
) -> tuple[Page, str]:
    """The requested page, or the nearest one with a note saying so.

    `count` replaces queryset.count(). With `max_pages`, pages past it are
    not shown: reading them would mean skipping ever more rows (OFFSET), and
    nobody pages through a thousand results; the note asks for a narrower
    search instead.
    """
    if count is None:
        paginator = Paginator(queryset, per_page)
    else:
        paginator = CountedPaginator(queryset, per_page, count_rows=count)
    raw = request.GET.get("page", "1")
    note = ""
    try:
        number = int(raw)
    except ValueError:
        number = 1
        note = _("“%(page)s” is not a page number; showing the first page.") % {
            "page": raw[:20]
        }
    last = paginator.num_pages
    if max_pages is not None:
        last = min(last, max_pages)
    if number < 1:
        number = 1
        note = _("Page numbers start at 1; showing the first page.")
    elif number > last == paginator.num_pages:
        note = _("There is no page %(page)s; showing the last page, %(last)s.") % {
            "page": number,
            "last": last,
        }
        number = last
    elif number > last:
        note = _(
            "Only the first %(pages)s pages are shown; narrow the search to see "
            "the rest."
        ) % {"pages": last}
        number = last
    return paginator.page(number), note
