"""Every pydantic model class the imported code defines, by name: the API schema tests look a schema's
component up by its name to build or check the model behind it."""

from pydantic import BaseModel


def by_name() -> dict[str, type[BaseModel]]:
    """Each subclass of BaseModel, at any depth, under its class name."""
    found, todo = {}, [BaseModel]
    while todo:
        model = todo.pop()
        found[model.__name__] = model
        todo.extend(model.__subclasses__())
    return found
