from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _


def paginate(request, queryset: QuerySet, *, per_page: int) -> tuple[Page, str]:
    """The requested page, or the nearest one with a note saying so."""
    paginator = Paginator(queryset, per_page)
    raw = request.GET.get("page", "1")
    note = ""
    try:
        number = int(raw)
    except ValueError:
        number = 1
        note = _("“%(page)s” is not a page number; showing the first page.") % {
            "page": raw[:20]
        }
    if number < 1:
        number = 1
        note = _("Page numbers start at 1; showing the first page.")
    elif number > paginator.num_pages:
        note = _("There is no page %(page)s; showing the last page, %(last)s.") % {
            "page": number,
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
    return paginator.page(number), note
