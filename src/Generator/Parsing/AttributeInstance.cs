using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Builds the attribute a declaration wrote, as the runtime would: the constructor it chose with its
/// arguments, then each named argument set on its property. The attribute classes are compiled into the
/// generator, so every default, property name and enum comes from the attribute class itself and is
/// written down nowhere else.
/// </summary>
internal static class AttributeInstance
{
    /// <summary>
    /// The attribute <paramref name="data"/> describes, as an instance of <typeparamref name="T"/>, or
    /// <see langword="null"/> when its arguments are not constants of the types the class takes: the
    /// compiler reports those errors itself.
    /// </summary>
    public static T? Create<T>(AttributeData data)
        where T : Attribute => Create(typeof(T), data) as T;

    /// <summary>The attribute <paramref name="data"/> describes, as an instance of <paramref name="type"/>; see <see cref="Create{T}"/>.</summary>
    public static Attribute? Create(Type type, AttributeData data)
    {
        if (data.AttributeConstructor is null)
        {
            return null;
        }

        object? instance = Construct(type, data.ConstructorArguments);
        if (instance is null)
        {
            return null;
        }

        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            // A named argument for a property without a public setter is a compiler error (CS0617).
            PropertyInfo? property = type.GetProperty(argument.Key, BindingFlags.Public | BindingFlags.Instance);
            if (property?.GetSetMethod() is null || !TryConvert(argument.Value, property.PropertyType, out object? value))
            {
                return null;
            }

            property.SetValue(instance, value);
        }

        return (Attribute)instance;
    }

    /// <summary>Calls the public constructor whose parameters take the arguments, as overload resolution chose it.</summary>
    private static object? Construct(Type type, ImmutableArray<TypedConstant> arguments)
    {
        foreach (ConstructorInfo constructor in type.GetConstructors())
        {
            ParameterInfo[] parameters = constructor.GetParameters();
            if (parameters.Length != arguments.Length)
            {
                continue;
            }

            object?[] values = new object?[arguments.Length];
            bool fits = true;
            for (int i = 0; i < arguments.Length && fits; i++)
            {
                fits = TryConvert(arguments[i], parameters[i].ParameterType, out values[i]);
            }

            if (fits)
            {
                return constructor.Invoke(values);
            }
        }

        return null;
    }

    /// <summary>
    /// The constant as a value of <paramref name="target"/>. Roslyn gives an enum constant as its
    /// underlying integer, and a constant already converted to the parameter's type otherwise.
    /// </summary>
    private static bool TryConvert(TypedConstant constant, Type target, out object? value)
    {
        value = null;
        if (constant.Kind == TypedConstantKind.Array)
        {
            // A params or array argument: each element converted to the array's element type.
            Type? element = target.IsArray ? target.GetElementType() : null;
            if (element is null || constant.IsNull)
            {
                return constant.IsNull && target.IsArray;
            }

            Array array = Array.CreateInstance(element, constant.Values.Length);
            for (int i = 0; i < constant.Values.Length; i++)
            {
                if (!TryConvert(constant.Values[i], element, out object? item))
                {
                    return false;
                }

                array.SetValue(item, i);
            }

            value = array;
            return true;
        }

        if (constant.Kind is TypedConstantKind.Error or TypedConstantKind.Type)
        {
            return false;
        }

        if (constant.Value is null)
        {
            return !target.IsValueType;
        }

        if (target.IsEnum)
        {
            if (constant.Kind != TypedConstantKind.Enum || constant.Type?.Name != target.Name)
            {
                return false;
            }

            value = Enum.ToObject(target, constant.Value);
            return true;
        }

        if (target.IsInstanceOfType(constant.Value))
        {
            value = constant.Value;
            return true;
        }

        // A constant the compiler converted implicitly, such as an int for a double.
        if (target == typeof(double) && constant.Value is IConvertible number && constant.Value is not (bool or string or char))
        {
            value = number.ToDouble(CultureInfo.InvariantCulture);
            return true;
        }

        return false;
    }
}
