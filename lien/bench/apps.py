from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "lien.bench"
    label = "bench"
    verbose_name = "Benchmark"
