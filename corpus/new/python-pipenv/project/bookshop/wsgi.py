from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()
