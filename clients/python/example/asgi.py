"""The same sessions in a Starlette app: a JSON login, who am I, and logout.

    SESSIOND_URL=... SESSIOND_API_KEY=... SESSIOND_CA_FILE=... \
    /usr/bin/python3 -m uvicorn --factory example.asgi:from_environment
"""

from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import sessiond.asgi

from . import app as site


def create_app(sessions, users):
    """The Starlette app wrapped in sessiond's ASGI middleware."""

    async def login(request):
        form = await request.json()
        user_id = users.check(str(form.get("username", "")), str(form.get("password", "")))
        if user_id is None:
            return JSONResponse({"error": "wrong username or password"}, 401)
        await request.scope["sessiond"].login(user_id, remember=form.get("remember") is True)
        return Response(status_code=204)

    async def me(request):
        current = request.scope["sessiond"].session
        if current is None:
            return JSONResponse({"error": "not signed in"}, 401)
        return JSONResponse({"user": users.name_of(current.user_id), "user_id": current.user_id})

    async def logout(request):
        await request.scope["sessiond"].logout()
        return Response(status_code=204)

    app = Starlette(routes=[Route("/login", login, methods=["POST"]), Route("/me", me),
                            Route("/logout", logout, methods=["POST"])])
    return sessiond.asgi.SessionMiddleware(app, sessions)


def from_environment():
    """The app on the sessiond of the environment, as example.app's."""
    return create_app(*site.from_environment())
