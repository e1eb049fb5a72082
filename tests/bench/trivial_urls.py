"""The site's URLs plus /bench-trivial, a view that returns HttpResponse("ok"):
the floor of any request through the same middleware in the same process,
which the benchmarks state their ratios against."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("bench-trivial", trivial), *site]
